fn main() {
    std::process::exit(crossjar::cli::run(std::env::args_os()));
}
