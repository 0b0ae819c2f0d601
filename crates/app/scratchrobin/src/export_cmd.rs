//! `scratchrobin export links|issues|audit|traceability`: the engine's export as a file
//! (`-o FILE`) or on standard output.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use sr_engine::Engine;
use sr_engine::export::{ExportFormat, ExportKind, ExportRequest};

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    /// Every link between an object and an issue.
    Links,
    /// The cached issues (with --connection: those linked to its objects).
    Issues,
    /// The audit log, oldest first.
    Audit,
    /// The traceability report, a row per connection and per schema.
    Traceability,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
    Xlsx,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[arg(value_enum)]
    pub what: What,
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Only rows about this connection's objects.
    #[arg(long)]
    pub connection: Option<String>,
    /// The file to write (replaced whole); standard output when unset.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

pub async fn run(engine: &Engine, args: ExportArgs) -> anyhow::Result<()> {
    let request = ExportRequest {
        kind: match args.what {
            What::Links => ExportKind::Links,
            What::Issues => ExportKind::Issues,
            What::Audit => ExportKind::Audit,
            What::Traceability => ExportKind::Traceability,
        },
        format: match args.format {
            Format::Csv => ExportFormat::Csv,
            Format::Json => ExportFormat::Json,
            Format::Xlsx => ExportFormat::Xlsx,
        },
        connection: args.connection,
    };
    let kind = request.kind.as_str();
    match args.output {
        Some(path) => {
            let rows = engine.export_to_file(&request, &path).await?;
            eprintln!("wrote {rows} {kind} rows to {}", path.display());
        }
        None => {
            let stdout = std::io::stdout();
            if request.format == ExportFormat::Xlsx && stdout.is_terminal() {
                anyhow::bail!(
                    "a workbook is binary and would garble the terminal; give -o FILE.xlsx or redirect the output"
                );
            }
            let file = engine.export(&request).await?;
            let mut out = stdout.lock();
            out.write_all(&file.bytes)?;
            out.flush()?;
        }
    }
    Ok(())
}
