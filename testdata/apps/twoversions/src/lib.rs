// Fixture for Warden: the dependency tree holds clap 3.2.23 (renamed clap3)
// and clap 4.0.32 (renamed clap4). Each function below calls into one
// version only, and the two reach different capabilities, so an auditor that
// confuses the versions (or merges them by crate name) gets one of them wrong.

/// clap 3.2.23: parses the arguments it is given; no process environment.
pub fn parse_given_v3(args: &[&str]) -> bool {
    clap3::Command::new("v3")
        .arg(clap3::Arg::new("verbose").long("verbose"))
        .try_get_matches_from(args)
        .is_ok()
}

/// clap 4.0.32: `get_matches` reads the process arguments
/// (std::env::args_os), i.e. the `env` capability, and exits the process on
/// a parse error (std::process::exit).
pub fn parse_process_v4() -> bool {
    let m = clap4::Command::new("v4")
        .arg(clap4::Arg::new("verbose").long("verbose").action(clap4::ArgAction::SetTrue))
        .get_matches();
    m.get_flag("verbose")
}
