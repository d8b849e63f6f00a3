//! `onego check id|uscc|licence-id VALUE`

use std::process::ExitCode;

use onego_protocol::ids::{CreditCode, IdHolderKind, IdNumber, LicenceId};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum What {
    /// Resident ID number (GB 11643).
    Id,
    /// Unified social credit code (GB 32100).
    Uscc,
    /// E-licence identifier (GB/T 36904).
    LicenceId,
}

pub(crate) fn run(what: What, value: &str) -> ExitCode {
    let verdict = match what {
        What::Id => IdNumber::parse(value).map(|id| {
            let kind = match id.kind() {
                IdHolderKind::Resident => "resident",
                IdHolderKind::ResidencePermitHkMacaoTaiwan => "Hong Kong/Macao/Taiwan residence permit",
                IdHolderKind::ForeignPermanentResident => "foreign permanent resident",
            };
            format!("valid ID number ({kind}, region {}, born {})", id.region(), id.birth_date_iso())
        }),
        What::Uscc => CreditCode::parse(value).map(|c| format!("valid credit code (region {})", c.region())),
        What::LicenceId => LicenceId::parse(value).map(|l| {
            format!(
                "valid licence id (type {}, issuer {}, serial {}, version {:03})",
                l.type_code(),
                l.issuer(),
                l.serial(),
                l.version()
            )
        }),
    };
    match verdict {
        Ok(msg) => {
            println!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("invalid: {e}");
            ExitCode::from(1)
        }
    }
}
