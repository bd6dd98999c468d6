// The feeds page and the administrator's calendar pages: a clerk creates a calendar feed, sees
// its webcal link and QR code, copies the link, subscribes (the feed answers), revokes it (the
// feed answers 404); the administrator changes a setting (a refusal first) and adds a closure.
export default ({ scenario, check, browser, base, adminPassword, demoPassword, shots, vi, setStep }) => {
  async function signIn(page, username, password) {
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    // Wherever the role lands, it is no longer the sign-in page.
    await page.waitForURL((url) => !url.pathname.startsWith('/dang-nhap'));
  }

  scenario('a clerk creates a calendar feed, copies its webcal link, sees the QR code, revokes it', async () => {
    const context = await browser.newContext({ ...vi, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, 'vanthu.stc', demoPassword);
    setStep('the feeds page from the menu');
    await page.getByRole('navigation', { name: 'Trình đơn' }).getByRole('link', { name: 'Lịch trên điện thoại' }).click();
    await page.waitForURL(/\/lich-cua-toi/);
    check(await page.locator('#public-webcal').inputValue() === `${base.replace('http://', 'webcal://')}/feeds/public.ics`,
      'the public feed link uses the address the browser came to');

    setStep('the form shows only the fields of the chosen kind');
    await page.getByLabel('Loại lịch').selectOption('agency');
    check(await page.locator('#f-person_id').isHidden(), 'no person for an agency feed');
    check(await page.locator('#f-include_tentative').isHidden(), 'no tentative choice for an agency feed');
    await page.getByLabel('Tên gọi').fill('Điện thoại văn thư');
    await page.getByRole('button', { name: 'Tạo lịch' }).click();
    await page.getByText('Đường dẫn này chỉ hiện một lần.').waitFor();
    const webcal = await page.locator('#new-webcal').inputValue();
    const https = await page.locator('#new-https').inputValue();
    check(/^webcal:\/\/.+\/feeds\/[0-9a-f]{64}\.ics$/.test(webcal), `webcal link: ${webcal}`);
    check(await page.locator('#lich-moi svg.qr-code').count() === 1, 'a QR code of the new feed');

    setStep('copy the link');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.locator('#lich-moi').getByRole('button', { name: 'Sao chép' }).first().click();
    await page.locator('#lich-moi').getByText('Đã sao chép đường dẫn.').waitFor();
    await page.screenshot({ path: `${shots}/lich-cua-toi-moi-tao.png`, fullPage: true });

    setStep('the feed answers');
    let res = await fetch(https);
    check(res.status === 200 && (res.headers.get('content-type') || '').startsWith('text/calendar'), `feed: ${res.status}`);

    setStep('revoke it');
    page.once('dialog', (dialog) => dialog.accept());
    const row = page.locator('table.feed-tokens tr', { hasText: 'Điện thoại văn thư' });
    await row.getByRole('button', { name: 'Thu hồi' }).click();
    await page.getByText('Đã thu hồi lịch.').waitFor();
    res = await fetch(https);
    check(res.status === 404, `revoked feed answers ${res.status}`);
    await page.screenshot({ path: `${shots}/lich-cua-toi.png`, fullPage: true });

    setStep('on a phone the page does not scroll sideways');
    await page.setViewportSize({ width: 375, height: 800 });
    const { scroll, width } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth, width: window.innerWidth,
    }));
    check(scroll <= width, `feeds page is ${scroll}px wide in a ${width}px viewport`);
    await context.close();
  });

  scenario('the administrator changes a setting and adds a closure', async () => {
    const page = await browser.newPage({ ...vi, viewport: { width: 1280, height: 900 } });
    await signIn(page, 'admin', adminPassword);
    setStep('settings: a refused value stays, with the error beside it');
    await page.getByRole('navigation', { name: 'Trình đơn' }).getByRole('link', { name: 'Cài đặt' }).click();
    await page.waitForURL(/\/quan-tri\/cai-dat/);
    await page.getByLabel('Thời gian giãn cách giữa hai cuộc họp (phút)').fill('500');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.locator('#f-room_buffer_minutes-error').waitFor();
    check(await page.getByLabel('Thời gian giãn cách giữa hai cuộc họp (phút)').inputValue() === '500', 'the typed value is kept');
    await page.screenshot({ path: `${shots}/cai-dat-loi.png`, fullPage: true });
    await page.getByLabel('Thời gian giãn cách giữa hai cuộc họp (phút)').fill('20');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu cài đặt.').waitFor();
    check(await page.getByLabel('Thời gian giãn cách giữa hai cuộc họp (phút)').inputValue() === '20', 'saved');
    await page.screenshot({ path: `${shots}/cai-dat.png`, fullPage: true });

    setStep('closures: add an office-wide closure next year');
    const year = new Date().getUTCFullYear() + 1;
    await page.goto(`${base}/quan-tri/ngay-nghi?nam=${year}`);
    await page.getByLabel('Từ ngày').fill(`${year}-05-04`);
    await page.getByLabel('Lý do').first().fill('Tổng vệ sinh trụ sở (kiểm thử trình duyệt)');
    await page.getByRole('button', { name: 'Thêm', exact: true }).click();
    await page.getByText('Đã thêm ngày nghỉ.').waitFor();
    check(await page.locator('table.closures').getByRole('cell', { name: 'Tổng vệ sinh trụ sở (kiểm thử trình duyệt)', exact: true }).count() === 1, 'listed');
    check((await page.locator('table.closures').innerText()).includes(`04/05/${year}`), 'shown as dd/mm/yyyy');
    await page.screenshot({ path: `${shots}/ngay-nghi.png`, fullPage: true });
    await page.close();
  });
};
