// The public weekly schedule on a 390×844 phone: one card per item under its day and session,
// every cell labelled by its column, nothing cut off and no sideways scroll.

export default ({ scenario, check, api, token, mondayInWeeks, browser, base, demoPassword, shots, vi, setStep }) => {
  scenario('on a 390 px phone the weekly schedule reads as cards by day and session, without sideways scroll', async () => {
    const week = mondayInWeeks(5);
    const clerk = await token('vanthu.stc', demoPassword);
    const approver = await token('lanhdaovp', demoPassword);
    setStep('a leader and two public meetings of that week');
    const persons = await api('GET', '/api/v1/persons', clerk);
    const chair = persons.json.find((p) => p.position.startsWith('Chủ tịch'));
    check(chair, 'the demo has a Chủ tịch');
    const wednesday = new Date(`${week}T00:00:00Z`);
    wednesday.setUTCDate(wednesday.getUTCDate() + 2);
    const day = wednesday.toISOString().slice(0, 10);
    const long = 'Hội nghị sơ kết công tác cải cách hành chính và chuyển đổi số sáu tháng đầu năm của các sở, ban, ngành';
    for (const [title, start, end] of [[long, '08:00', '10:00'], ['Làm việc với Sở Tài chính về dự toán', '14:00', '16:00']]) {
      const created = await api('POST', '/api/v1/meetings', clerk, {
        title, kind: 'hop', chair_id: chair.id, location: 'Hội trường lớn, Trung tâm Hội nghị tỉnh',
        starts_at: `${day}T${start}`, ends_at: `${day}T${end}`, visibility: 'public', submit: true,
      });
      check(created.status === 201, `registered: ${created.status} ${JSON.stringify(created.json)}`);
      const approved = await api('POST', `/api/v1/meetings/${created.json.id}/approve`, approver);
      check(approved.status === 200, `approved: ${approved.status} ${JSON.stringify(approved.json)}`);
    }
    // The public sees what was published.
    const published = await api('POST', `/api/v1/schedule/${week}/publish`, approver);
    check(published.status === 201, `published: ${published.status} ${JSON.stringify(published.json)}`);

    setStep('the page at 390×844');
    const page = await browser.newPage({ ...vi, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(`${base}/lich-cong-tac?tuan=${week}`);
    await page.getByText(long).waitFor();
    const { scroll, width } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth, width: window.innerWidth,
    }));
    check(scroll <= width, `page is ${scroll}px wide in a ${width}px viewport`);
    // Each item is a card as wide as the screen, its cells stacked with their column's name.
    const cards = await page.locator('table.week tr.item').evaluateAll((rows) => rows.map((r) => {
      const box = r.getBoundingClientRect();
      const cells = [...r.cells].filter((c) => getComputedStyle(c).display !== 'none');
      return {
        left: box.left, right: box.right, display: getComputedStyle(r).display,
        labels: cells.map((c) => getComputedStyle(c, '::before').content),
        stacked: cells.every((c, i) => i === 0 || c.getBoundingClientRect().top >= cells[i - 1].getBoundingClientRect().bottom - 1),
        cut: cells.some((c) => c.scrollWidth > c.clientWidth + 1),
      };
    }));
    check(cards.length >= 2, `two cards, found ${cards.length}`);
    for (const c of cards) {
      check(c.display === 'block', `a card, not a table row: ${c.display}`);
      check(c.left >= 0 && c.right <= width, `card within the screen: ${c.left}–${c.right}`);
      check(c.stacked, 'cells stacked one under the other');
      check(!c.cut, 'nothing cut off in a cell');
      check(c.labels.some((l) => l.includes('Thời gian')) && c.labels.some((l) => l.includes('Nội dung')), `labelled cells: ${c.labels}`);
    }
    // Under the day's heading, the morning's card comes before the afternoon's heading.
    const order = await page.locator('table.week tbody', { hasText: long }).evaluate((tbody) =>
      [...tbody.rows].map((r) => r.className || 'row'));
    check(order.join(' ') === 'day session item session item', `day, Sáng, card, Chiều, card: ${order}`);
    const full = await page.locator('table.week tbody', { hasText: long }).innerText();
    check(full.includes('Sáng') && full.includes('Chiều'), 'sessions named');
    await page.screenshot({ path: `${shots}/lich-cong-tac-390.png`, fullPage: true });
    await page.close();

    setStep('the print view: the official heading and signature block, A4 landscape');
    const print = await browser.newPage({ ...vi, viewport: { width: 1280, height: 900 } });
    await print.goto(`${base}/lich-cong-tac?tuan=${week}`);
    await print.emulateMedia({ media: 'print' });
    check(await print.locator('.official-heading').isVisible(), 'the heading prints');
    check((await print.locator('.official-heading').innerText()).includes('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'), 'national motto');
    check((await print.locator('.official-closing').innerText()).includes('TL. CHỦ TỊCH'), 'signature block prints');
    check(await print.locator('main h1').isHidden(), 'the official title replaces the page title');
    const pdf = await print.pdf({ path: `${shots}/lich-cong-tac-in.pdf`, preferCSSPageSize: true, printBackground: true });
    // The first page's MediaBox: A4 landscape is 842 × 595 points.
    const box = /MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)/.exec(pdf.toString('latin1'));
    check(box && Number(box[1]) > Number(box[2]), `landscape: ${box && box.slice(1)}`);
    await print.close();
  });
};
