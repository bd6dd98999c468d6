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
    let mut rows: Vec<[String; 3]> = vec![["Nhóm".into(), "Mục".into(), "Giá trị".into()]];
    let dmy = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut row = |group: &str, item: String, value: String| {
        rows.push([group.into(), item, value]);
    };
    row("Kỳ báo cáo", "Từ ngày".into(), dmy(r.filter.from));
    row("Kỳ báo cáo", "Đến ngày".into(), dmy(r.filter.to));
    row("Tổng số", "Cuộc họp (lượt)".into(), r.total.to_string());
    for (group, counts) in [
        ("Theo trạng thái", &r.by_status),
        ("Theo đơn vị đăng ký", &r.by_agency),
        ("Theo chủ trì", &r.by_chair),
        ("Theo phòng họp", &r.by_room),
        ("Theo loại", &r.by_kind),
    ] {
        for c in counts {
            row(group, c.label.clone(), c.count.to_string());
        }
    }
    for (group, list) in [
        ("Sử dụng phòng theo tuần", &r.utilisation_weekly),
        ("Sử dụng phòng theo tháng", &r.utilisation_monthly),
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
    row(
        "Thời gian duyệt (giờ)",
        "Số cuộc họp đã quyết định".into(),
        r.lead_time.decided.to_string(),
    );
    row(
        "Thời gian duyệt (giờ)",
        "Trung vị".into(),
        hours(r.lead_time.median_hours),
    );
    row(
        "Thời gian duyệt (giờ)",
        "Phân vị 90".into(),
        hours(r.lead_time.p90_hours),
    );
    row(
        "Chậm hạn",
        "Đăng ký muộn".into(),
        r.late_registrations.to_string(),
    );
    row(
        "Chậm hạn",
        "Tài liệu gửi muộn".into(),
        r.late_documents.to_string(),
    );
    row("Thay đổi", "Hủy".into(), r.cancellations.to_string());
    row("Thay đổi", "Dời lịch".into(), r.reschedules.to_string());
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
    sheet.set_name("Báo cáo").map_err(fail)?;
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
