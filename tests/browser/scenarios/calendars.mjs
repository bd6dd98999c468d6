// The office's calendars and the dashboards: office staff open the room calendar of the week,
// follow a day to its timeline; every role lands on its dashboard; on a phone the pages do not
// scroll sideways (wide tables scroll inside their own box).
export default ({ scenario, check, browser, base, adminPassword, demoPassword, shots, vi, setStep }) => {
  async function signIn(page, username, password) {
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/viec-can-lam/);
  }

  async function fitsThePhone(page, what) {
    const { scroll, width } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth, width: window.innerWidth,
    }));
    check(scroll <= width, `${what}: page is ${scroll}px wide in a ${width}px viewport`);
  }

  scenario('office staff open the room calendar, follow a day to its timeline', async () => {
    const page = await browser.newPage({ ...vi, viewport: { width: 1280, height: 900 } });
    setStep('staff signs in and lands on the dashboard');
    await signIn(page, 'chuyenvien', demoPassword);
    await page.getByRole('heading', { name: 'Việc cần làm', level: 1 }).waitFor();
    await page.getByRole('heading', { name: /Chờ thẩm định/ }).waitFor();
    await page.screenshot({ path: `${shots}/viec-can-lam-chuyen-vien.png`, fullPage: true });

    setStep('the room calendar from the menu');
    await page.getByRole('navigation', { name: 'Trình đơn' }).getByRole('link', { name: 'Lịch phòng họp' }).click();
    await page.waitForURL(/\/lich-phong/);
    check(await page.locator('table.calendar-week tbody tr').count() >= 2, 'one row per room');
    check(await page.locator('table.calendar-week thead th').nth(1).innerText().then((t) => t.includes('Thứ Hai')),
      'the week starts on Monday');
    check(await page.locator('table.calendar-week .entry').count() > 0, 'the demo week has meetings');
    await page.screenshot({ path: `${shots}/lich-phong.png`, fullPage: true });

    setStep('next week and back');
    await page.getByRole('link', { name: 'Tuần sau' }).click();
    await page.waitForURL(/tuan=\d{4}-W\d{2}/);
    await page.getByRole('link', { name: 'Tuần này' }).click();
    await page.waitForURL(/tuan=\d{4}-W\d{2}/);

    setStep('a day header leads to the timeline');
    const day = page.locator('table.calendar-week thead th a').nth(2);
    const href = await day.getAttribute('href');
    await day.click();
    await page.waitForURL(/\/lich-phong\/ngay\?ngay=\d{4}-\d{2}-\d{2}/);
    check(page.url().endsWith(href), `followed ${href}`);
    check(await page.locator('table.timeline thead th').filter({ hasText: '08:00' }).count() === 1, 'hours as columns');
    await page.screenshot({ path: `${shots}/lich-phong-ngay.png`, fullPage: true });
    await page.getByRole('link', { name: 'Ngày sau' }).click();
    await page.waitForURL(/ngay=/);
    check(!page.url().endsWith(href), 'the next day');

    setStep('the leaders calendar');
    await page.goto(`${base}/lich-lanh-dao`);
    check(await page.locator('table.calendar-week tbody tr').count() >= 1, 'one row per leader');
    await page.screenshot({ path: `${shots}/lich-lanh-dao.png`, fullPage: true });
    await page.close();
  });

  scenario('every role lands on its own dashboard', async () => {
    for (const [username, password, heading, file] of [
      ['vanthu.stc', demoPassword, 'Bản nháp chưa gửi', 'viec-can-lam-van-thu'],
      ['lanhdaovp', demoPassword, 'Đã thẩm định, chờ quyết định', 'viec-can-lam-lanh-dao-vp'],
      ['admin', adminPassword, 'Đăng nhập sai (24 giờ qua)', 'viec-can-lam-quan-tri'],
    ]) {
      setStep(`dashboard of ${username}`);
      const context = await browser.newContext({ ...vi, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await signIn(page, username, password);
      await page.getByRole('heading', { name: new RegExp(heading.replace(/[()]/g, '\\$&')) }).waitFor();
      await page.screenshot({ path: `${shots}/${file}.png`, fullPage: true });
      await context.close();
    }
  });

  scenario('on a phone the calendars and the dashboard do not scroll sideways', async () => {
    const context = await browser.newContext({ ...vi, viewport: { width: 375, height: 740 }, isMobile: true });
    const page = await context.newPage();
    setStep('phone: sign in');
    await signIn(page, 'chuyenvien', demoPassword);
    await fitsThePhone(page, 'dashboard');
    await page.screenshot({ path: `${shots}/viec-can-lam-phone.png`, fullPage: true });
    for (const [path, file] of [['/lich-phong', 'lich-phong-phone'], ['/lich-phong/ngay', 'lich-phong-ngay-phone'],
      ['/lich-lanh-dao', 'lich-lanh-dao-phone']]) {
      setStep(`phone: ${path}`);
      await page.goto(`${base}${path}`);
      await fitsThePhone(page, path);
      const wrap = await page.locator('.table-wrap').first().evaluate((el) => el.scrollWidth > el.clientWidth);
      check(wrap, `${path}: the table scrolls inside its box`);
      await page.screenshot({ path: `${shots}/${file}.png`, fullPage: true });
    }
    await context.close();
  });
};
