// No lost or altered input on the request form: Enter on a checkbox submits nothing, "Gửi duyệt
// ngay" starts unticked, and a three-line agenda comes back unchanged from three refused saves
// and is stored as typed.
export default function ({ scenario, check, api, token, mondayInWeeks, browser, base, demoPassword, shots, vi, setStep }) {
  scenario('the request form: Enter on a checkbox does not submit; the agenda survives three refused saves', async () => {
    const monday = mondayInWeeks(7);
    const page = await browser.newPage({ ...vi, viewport: { width: 1280, height: 1000 } });
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill('vanthu.stc');
    await page.getByLabel('Mật khẩu').fill(demoPassword);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/viec-can-lam/);
    await page.goto(`${base}/dang-ky/moi`);
    const title = 'Họp rà soát văn bản (kiểm thử giữ nội dung)';
    await page.locator('#f-title').fill(title);
    check(!(await page.getByLabel('Gửi duyệt ngay').isChecked()), '"Gửi duyệt ngay" starts unticked');

    setStep('Enter in the agencies picker and on a checkbox');
    const picker = page.locator('#f-agencies');
    await picker.focus();
    await page.keyboard.type('tai chinh');
    await page.locator('#f-agencies-list [role=option]').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.locator('#f-agencies-chosen .chip').first().waitFor();
    check(await page.locator('#f-agencies-chosen input[type=hidden][name=agencies]').count() === 1, 'Enter chose the agency');
    await page.keyboard.press('Enter');
    const box = page.locator('#f-needs_interpreter');
    await box.focus();
    await page.keyboard.press('Space');
    check(await box.isChecked(), 'Space ticks it');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(700);
    check(page.url() === `${base}/dang-ky/moi`, `still on the form: ${page.url()}`);
    check(await page.locator('#f-title').inputValue() === title, 'nothing was sent, nothing lost');
    setStep('Enter in the title field');
    await page.locator('#f-title').focus();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    check(page.url() === `${base}/dang-ky/moi`, 'Enter in a field does not send the half-filled form either');

    setStep('three refused saves');
    const agenda = '1. Báo cáo <tiến độ> & "kế hoạch"\n   - Sở Tài chính trình bày\n\n2. Kết luận = phân công';
    await page.locator('#f-agenda').fill(agenda);
    await page.locator('#f-day').fill(monday);
    await page.locator('#f-start').fill('10:00');
    await page.locator('#f-end').fill('09:00');
    await page.locator('#f-location').fill('Sở Tài chính');
    for (let round = 1; round <= 3; round += 1) {
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/dang-ky')),
        page.getByRole('button', { name: 'Lưu đăng ký' }).click(),
      ]);
      await page.waitForLoadState();
      await page.getByText('Giờ kết thúc phải sau giờ bắt đầu.').first().waitFor();
      const shown = await page.locator('#f-agenda').inputValue();
      check(shown === agenda, `round ${round}: the agenda came back as ${JSON.stringify(shown)}`);
    }
    await page.locator('#f-end').fill('11:00');
    await page.getByRole('button', { name: 'Lưu đăng ký' }).click();
    await page.waitForURL(/\/cuoc-hop\/\d+\?done=luu/);
    const id = page.url().split('?')[0].split('/').pop();
    const m = await api('GET', `/api/v1/meetings/${id}`, await token('vanthu.stc', demoPassword));
    check(m.status === 200, `meeting: ${m.status}`);
    check(m.json.agenda.replace(/\r\n/g, '\n') === agenda, `stored: ${JSON.stringify(m.json.agenda)}`);
    check(m.json.status === 'draft', `a draft until sent: ${m.json.status}`);
    await page.close();
  });

  scenario('a save after the session ran out: sign in again and the typed request comes back', async () => {
    const context = await browser.newContext({ ...vi, viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill('vanthu.stc');
    await page.getByLabel('Mật khẩu').fill(demoPassword);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/viec-can-lam/);
    await page.goto(`${base}/dang-ky/moi`);
    const title = 'Họp chuẩn bị hội nghị (kiểm thử hết phiên)';
    const agenda = 'Dòng một\n  Dòng hai thụt vào\nDòng ba';
    await page.locator('#f-title').fill(title);
    await page.locator('#f-agenda').fill(agenda);
    await page.locator('#f-day').fill(mondayInWeeks(8));
    await page.locator('#f-start').fill('08:00');
    await page.locator('#f-end').fill('09:00');
    await page.locator('#f-location').fill('Sở Tài chính');
    setStep('the session runs out');
    const kept = (await context.cookies()).filter((c) => c.name !== 'lichhop_session');
    await context.clearCookies();
    await context.addCookies(kept);
    await page.getByRole('button', { name: 'Lưu đăng ký' }).click();
    await page.getByText('Phiên đăng nhập đã hết hạn').waitFor();
    await page.screenshot({ path: `${shots}/het-phien-giu-dang-ky.png`, fullPage: true });
    await page.getByLabel('Tên đăng nhập').fill('vanthu.stc');
    await page.getByLabel('Mật khẩu').fill(demoPassword);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/dang-ky\/moi\?/);
    check(await page.locator('#f-title').inputValue() === title, 'the title comes back');
    check(await page.locator('#f-agenda').inputValue() === agenda, 'the agenda comes back unchanged');
    await page.getByRole('button', { name: 'Lưu đăng ký' }).click();
    await page.waitForURL(/\/cuoc-hop\/\d+\?done=luu/);
    await context.close();
  });
}
