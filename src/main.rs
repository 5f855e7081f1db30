fn main() -> std::process::ExitCode {
    leasy::cli::run()
}
