//! Prints the workbench frame-time benchmark's line: 1,000 tables, 10,000
//! linked issues, the explorer expanded and the side panel full.
//! `cargo run --release -p sr-ui --example bench_ui [FRAMES]`.

fn main() {
    let frames = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    let mut state = sr_ui::bench::explorer_scene(1_000, 10_000);
    println!("{}", sr_ui::bench::run(&mut state, frames).json());
}
