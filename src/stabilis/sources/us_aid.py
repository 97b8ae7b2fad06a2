"""US foreign assistance by country and fiscal year (ForeignAssistance.gov), FY1946-2025.

The staged file is ForeignAssistance.gov's country summary ``us_foreign_aid_country.csv`` (found
in repo ``kareemshub/final-project``, commit 385d2042; SOURCES.md 22h): one row per country (or
region), transaction type and fiscal year, with the amount in current and constant US$.

It gives **total** assistance, economic and military together: no security-only split exists
in the staged file (the complete file with sectors is far over the size limit). Stabilis
therefore labels it "US foreign assistance, all sectors" wherever it is shown, and never as
security assistance. FY2025 is partial. ``1976tq`` is the 1976 transition quarter (July-
September 1976, when the fiscal year moved); it is kept as fiscal year 1976 with
``transition_quarter`` set, so it can be added to or kept apart from FY1976.

Records table ``us_foreign_assistance`` (``fiscal_year``, ``transaction_type`` — Obligations,
Disbursements, Appropriated and Planned, President's Budget Requests — ``current_usd``,
``constant_usd``). Regional rows ("Europe Region", "World") have no country and are explained
in the quality report.
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_allowed, check_unique, read_csv, to_number

SPEC = SourceSpec(
    name="us_aid",
    title="U.S. Foreign Assistance by Country (ForeignAssistance.gov)",
    producer="U.S. Agency for International Development / U.S. Department of State",
    release="Country summary file, FY1946-2025 (FY2025 partial)",
    licence="U.S. Government data, generally public domain in the US (check)",
    citation=(
        "U.S. Agency for International Development. ForeignAssistance.gov - U.S. Foreign "
        "Assistance by Country. https://foreignassistance.gov/"
    ),
    homepage="https://foreignassistance.gov/",
    files=(
        SourceFile(
            key="country",
            mirror_path="military/us_foreign_assistance_country_fy1946_2025.csv",
            url="https://s3.amazonaws.com/files.explorer.devtechlab.com/us_foreign_aid_country.csv",
            description="Total US assistance per country, transaction type and fiscal year.",
        ),
    ),
    caveats=(
        "All sectors together (no economic/military split). Fiscal years (Oct-Sep). FY2025 "
        "partial. Regional rows mixed in with countries."
    ),
)

TRANSACTION_TYPES = {
    "1": "Appropriated and Planned",
    "2": "Obligations",
    "3": "Disbursements",
    "18": "President's Budget Requests",
}


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the country summary file into the ``us_foreign_assistance`` records table."""
    import pandas as pd

    SPEC.file(file_key)
    required = (
        "Country Code", "Country Name", "Region Name", "Transaction Type ID",
        "Transaction Type Name", "Fiscal Year", "current_amount", "constant_amount",
    )  # fmt: skip
    raw = read_csv(path, required=required, na_values=("", "NULL"))
    check_allowed(raw, "Transaction Type ID", TRANSACTION_TYPES, file=path)
    frame = pd.DataFrame({ROW: raw[ROW]})
    frame["country_code"] = raw["Country Code"]
    frame["country_name"] = raw["Country Name"]
    frame["region"] = raw["Region Name"]
    frame["transaction_type"] = raw["Transaction Type ID"].map(TRANSACTION_TYPES)
    fiscal = raw["Fiscal Year"].fillna("")
    frame["transition_quarter"] = fiscal.str.lower().str.endswith("tq").to_numpy()
    years = raw.assign(**{"Fiscal Year": fiscal.str.replace(r"(?i)tq$", "", regex=True)})
    frame["fiscal_year"] = to_number(
        years, "Fiscal Year", file=path, integer=True, minimum=1946, maximum=2100
    )
    frame["year"] = frame["fiscal_year"]
    frame["current_usd"] = to_number(raw, "current_amount", file=path)
    frame["constant_usd"] = to_number(raw, "constant_amount", file=path)
    check_unique(
        frame,
        ["country_code", "country_name", "transaction_type", "fiscal_year", "transition_quarter"],
        file=path,
    )
    return [
        ParsedTable(
            table="us_foreign_assistance",
            frame=frame,
            country_keys={"country_code": "wb", "country_name": "name"},
            name_column="country_name",
            description="US foreign assistance (all sectors) per country and fiscal year.",
        )
    ]
