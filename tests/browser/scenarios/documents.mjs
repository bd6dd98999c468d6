// A clerk registers a weekly series on the request form (Mondays and Thursdays, four meetings,
// one Thursday skipped) and uploads a PDF on the meeting's page; the office sees it listed and
// the download is an attachment.
export default function ({ scenario, check, api, token, mondayInWeeks, browser, base, demoPassword, shots, vi, setStep }) {
  async function signIn(page, username) {
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(demoPassword);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/viec-can-lam/);
  }

  scenario('a clerk registers a weekly series on the form and uploads a PDF on its page', async () => {
    // The first Monday of June next year: no public holiday falls in the series' two and a half
    // weeks (a week a fixed count ahead met Tết), and the demo's meetings are far away.
    const june = new Date(Date.UTC(new Date(mondayInWeeks(0)).getUTCFullYear() + 1, 5, 1));
    june.setUTCDate(june.getUTCDate() + ((8 - june.getUTCDay()) % 7));
    const monday = june.toISOString().slice(0, 10);
    const thursday = new Date(`${monday}T00:00:00Z`);
    thursday.setUTCDate(thursday.getUTCDate() + 3);
    const skipped = `${String(thursday.getUTCDate()).padStart(2, '0')}/${String(thursday.getUTCMonth() + 1).padStart(2, '0')}`;
    const clerk = await browser.newPage({ ...vi, viewport: { width: 1280, height: 1000 } });
    await signIn(clerk, 'vanthu.stc');

    setStep('the form with a weekly series');
    await clerk.goto(`${base}/dang-ky/moi`);
    const title = 'Giao ban chuyển đổi số hằng tuần (kiểm thử chuỗi)';
    await clerk.locator('#f-title').fill(title);
    await clerk.locator('#f-day').fill(monday);
    await clerk.locator('#f-start').fill('15:00');
    await clerk.locator('#f-end').fill('16:00');
    await clerk.locator('#f-location').fill('Phòng họp Sở Tài chính');
    await clerk.locator('#f-online_link').fill('https://hop.demo.lichhop.vn/giao-ban-cds');
    await clerk.locator('#f-needs_interpreter').check();
    await clerk.locator('#repeat-more > summary').click();
    await clerk.locator('#f-repeat').selectOption('weekly');
    await clerk.locator('input[name="byday"][value="MO"]').check();
    await clerk.locator('input[name="byday"][value="TH"]').check();
    await clerk.locator('#f-count').fill('5');
    await clerk.locator('#f-exdates').fill(skipped);
    check(await clerk.locator('#f-exdates-hint').isVisible(), 'the skipped dates have a hint');
    setStep('the live check answers for the series');
    await clerk.waitForFunction(() => {
      const box = document.querySelector('#conflict-hints');
      return !box.hasAttribute('aria-busy') && box.textContent.includes('Không có trùng lịch');
    }, null, { timeout: 5000 });
    await clerk.locator('#repeat').screenshot({ path: `${shots}/dang-ky-lap-lai.png` });
    setStep('save');
    await clerk.getByRole('button', { name: 'Lưu đăng ký' }).click();
    await clerk.waitForURL(/\/cuoc-hop\/\d+/);
    const id = clerk.url().split('?')[0].split('/').pop();
    const stc = await token('vanthu.stc', demoPassword);
    const occ = await api('GET', `/api/v1/meetings/${id}/occurrences`, stc);
    check(occ.status === 200, `occurrences: ${occ.status}`);
    check(occ.json.length === 4, `five meetings less the skipped Thursday: ${occ.json.length}`);
    const m = await api('GET', `/api/v1/meetings/${id}`, stc);
    check(m.json.rrule === 'FREQ=WEEKLY;BYDAY=MO,TH;COUNT=5', `rule: ${m.json.rrule}`);

    setStep('upload a PDF on the meeting page');
    check((await clerk.content()).includes('Chưa có tài liệu nào.'), 'no documents yet');
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% giấy mời\n%%EOF\n');
    await clerk.getByLabel('Tệp tài liệu').setInputFiles({ name: 'Giấy mời giao ban.pdf', mimeType: 'application/pdf', buffer: pdf });
    await clerk.getByRole('button', { name: 'Tải tài liệu lên' }).click();
    await clerk.waitForURL(/tai_lieu=them/);
    const link = clerk.locator('#tai-lieu a', { hasText: 'Giấy mời giao ban.pdf' });
    await link.waitFor({ timeout: 5000 });
    check((await clerk.locator('#tai-lieu').innerText()).includes('PDF'), 'its type is shown');
    await clerk.screenshot({ path: `${shots}/cuoc-hop-tai-lieu.png`, fullPage: true });

    setStep('the download is an attachment');
    const href = await link.getAttribute('href');
    const res = await clerk.request.get(`${base}${href}`);
    check(res.status() === 200, `download: ${res.status()}`);
    check((res.headers()['content-disposition'] || '').startsWith('attachment;'), 'served as an attachment');
    check(res.headers()['content-type'] === 'application/pdf', `type: ${res.headers()['content-type']}`);

    setStep('on a phone');
    const phone = await browser.newPage({ ...vi, viewport: { width: 375, height: 800 } });
    await signIn(phone, 'chuyenvien');
    await phone.goto(`${base}/cuoc-hop/${id}`);
    await phone.locator('#tai-lieu a', { hasText: 'Giấy mời giao ban.pdf' }).waitFor({ timeout: 5000 });
    // The documents section (the history table above is another area's).
    const wider = await phone.evaluate(() => [...document.querySelectorAll('#tai-lieu, #tai-lieu *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${Math.round(e.getBoundingClientRect().right)}`));
    check(wider.length === 0, `the documents fit a phone: ${wider.join('; ')}`);
    await phone.screenshot({ path: `${shots}/cuoc-hop-tai-lieu-dien-thoai.png`, fullPage: true });
    await phone.close();
    await clerk.close();
  });
}
