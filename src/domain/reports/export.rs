//! The report as a table of rows, as CSV and as an xlsx workbook.

use super::*;

/// RFC 4180 field: quoted when it holds a comma, a quote or a line break; quotes doubled.
/// A text a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return: a name such as `=HYPERLINK(…)`) gets a leading `'`, OWASP's rule against
/// CSV injection; numbers (`-1.5`) stay numbers.
pub(super) fn csv_field(v: &str) -> String {
    let formula = v.starts_with(['=', '+', '-', '@', '\t', '\r']) && v.parse::<f64>().is_err();
    let v = if formula {
        format!("'{v}")
    } else {
        v.to_string()
    };
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// The report as rows of a table: the Vietnamese headers "Nhóm, Mục, Giá trị", then one row
/// per figure. What the CSV and the xlsx files hold.
pub fn rows(r: &Report) -> Vec<[String; 3]> {
    let w = |key: &str| vietnamese(&format!("report.export.{key}"));
    let mut rows: Vec<[String; 3]> = vec![[w("group"), w("item"), w("value")]];
    let dmy = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut row = |group: &str, item: String, value: String| {
        rows.push([w(group), item, value]);
    };
    row("period", w("from"), dmy(r.filter.from));
    row("period", w("to"), dmy(r.filter.to));
    row("total", w("meetings"), r.total.to_string());
    for (group, counts) in [
        ("by_status", &r.by_status),
        ("by_agency", &r.by_agency),
        ("by_chair", &r.by_chair),
        ("by_room", &r.by_room),
        ("by_kind", &r.by_kind),
    ] {
        for c in counts {
            row(group, c.label.clone(), c.count.to_string());
        }
    }
    for (group, list) in [
        ("weekly", &r.utilisation_weekly),
        ("monthly", &r.utilisation_monthly),
    ] {
        for u in list {
            row(
                group,
                format!("{} – {}", u.room, dmy(u.period_start)),
                format!("{:.1}%", u.share * 100.0),
            );
        }
    }
    let hours = |h: Option<f64>| h.map(|h| format!("{h:.2}")).unwrap_or_default();
    let lead = &r.lead_time;
    row("lead_time", w("decided"), lead.decided.to_string());
    row("lead_time", w("median"), hours(lead.median_hours));
    row("lead_time", w("p90"), hours(lead.p90_hours));
    let late = r.late_registrations.to_string();
    row("late", w("late_registrations"), late);
    row("late", w("late_documents"), r.late_documents.to_string());
    row("changes", w("cancellations"), r.cancellations.to_string());
    row("changes", w("reschedules"), r.reschedules.to_string());
    rows
}

/// The report as CSV for Excel: UTF-8 with a byte-order mark (without it Excel reads
/// Vietnamese as Windows-1252), CRLF line ends (RFC 4180).
pub fn to_csv(r: &Report) -> String {
    let mut out = String::from("\u{feff}");
    for [a, b, c] in rows(r) {
        out.push_str(&format!(
            "{},{},{}\r\n",
            csv_field(&a),
            csv_field(&b),
            csv_field(&c)
        ));
    }
    out
}

/// The report as an Excel workbook (one sheet "Báo cáo"): the rows of [`rows`], figures that
/// are numbers written as numbers so that Excel can sum them.
pub fn to_xlsx(r: &Report) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("xlsx: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(vietnamese("report.sheet")).map_err(fail)?;
    let bold = Format::new().set_bold();
    for (i, row) in rows(r).iter().enumerate() {
        let i = i as u32;
        for (j, cell) in row.iter().enumerate() {
            let j = j as u16;
            match cell.parse::<f64>() {
                Ok(n) if i > 0 && j == 2 => sheet.write_number(i, j, n),
                _ if i == 0 => sheet.write_string_with_format(i, j, cell, &bold),
                _ => sheet.write_string(i, j, cell),
            }
            .map_err(fail)?;
        }
    }
    sheet.set_column_width(0, 28).map_err(fail)?;
    sheet.set_column_width(1, 48).map_err(fail)?;
    sheet.set_column_width(2, 14).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("Sở Tài chính"), "Sở Tài chính");
        assert_eq!(csv_field("Họp \"A\", B"), "\"Họp \"\"A\"\", B\"");
    }

    #[test]
    fn csv_fields_never_start_a_formula() {
        assert_eq!(csv_field("=1+2"), "'=1+2");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("+84 912"), "'+84 912");
        assert_eq!(csv_field("\tx"), "'\tx");
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_field("-2.5"), "-2.5");
    }
}
