fn main() {
    std::process::exit(crossjar::cli::run(std::env::args_os()));
}

/// mimalloc, unless built without the default `mimalloc` feature (see Cargo.toml).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
