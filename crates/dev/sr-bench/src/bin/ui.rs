//! `cargo xtask bench ui`: the workbench's frame time with 1,000 tables and
//! 10,000 linked issues, the explorer expanded and the side panel full;
//! then the designer on 500 tables (scene `designer`) and a SQL result
//! grid of 100,000 rows (scene `grid`), and a PostgreSQL connection of
//! 5,000 tables in 20 schemas with 10,000 linked issues while the filter
//! is typed in (scene `explorer_large`).
//! `SR_BENCH_FRAMES` sets how many frames are measured (300 by default).

fn main() {
    let frames = std::env::var("SR_BENCH_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let mut state = sr_ui::bench::explorer_scene(1_000, 10_000);
    println!("{}", sr_ui::bench::run(&mut state, frames).json());
    let mut designer = sr_ui::bench::designer_scene(500);
    let stats = sr_ui::bench::run(&mut designer, frames);
    println!("{}", stats.scene_json("designer"));
    let mut grid = sr_ui::bench::grid_scene(100_000);
    let stats = sr_ui::bench::run(&mut grid, frames);
    println!("{}", stats.scene_json("grid"));
    println!(
        "{}",
        sr_ui::bench::explorer_large_json(20, 250, 10_000, frames)
    );
}
