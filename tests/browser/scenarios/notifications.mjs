// The inbox: the clerk whose request the approver approved in the first scenario (run.mjs) sees
// the unread count in the header, follows it to /thong-bao, finds the decision linked to its
// meeting, and marks everything read; the count is gone.
export default ({ scenario, check, browser, base, demoPassword, vi, setStep }) => {
  scenario('a clerk follows the unread count to the inbox, opens the meeting, marks all read', async () => {
    const page = await browser.newPage({ ...vi, viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill('vanthu.stc');
    await page.getByLabel('Mật khẩu').fill(demoPassword);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/dang-nhap'));

    setStep('the header counts what is unread');
    const badge = page.locator('header .badge');
    check(await badge.count() === 1, 'an unread count in the header');
    const unread = Number(await badge.innerText());
    check(unread >= 2, `received and approved at least: ${unread}`);
    await page.locator('header a.inbox-link').click();
    await page.waitForURL(/\/thong-bao$/);

    setStep('the inbox names the decision and links to the meeting');
    const approved = page.locator('table.inbox tr', { hasText: 'đã được duyệt' }).first();
    check(await approved.count() === 1, 'the approval is listed');
    const link = approved.getByRole('link');
    const href = await link.getAttribute('href');
    check(/^\/cuoc-hop\/\d+$/.test(href), `a link to the meeting: ${href}`);

    setStep('marking all read empties the count');
    await page.getByRole('button', { name: 'Đánh dấu tất cả đã đọc' }).click();
    await page.waitForURL(/\/thong-bao$/);
    check(await page.locator('header .badge').count() === 0, 'no unread count any more');
    check(await page.locator('table.inbox tr.unread').count() === 0, 'no unread row');
    await page.goto(`${base}${href}`);
    check((await page.locator('h1').innerText()).length > 0, 'the meeting opens');
    await page.close();
  });
};
