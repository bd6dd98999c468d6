// Saying what happened: the approver rejects a request with the keyboard only, is asked again
// on a page (no script needed), confirms with Enter, and reads which request was rejected; the
// decision buttons do not all look the same.
export default function ({ scenario, check, api, token, mondayInWeeks, browser, base, demoPassword, shots, vi, setStep }) {
  scenario('the approver rejects with the keyboard, confirms, and the page names what was rejected', async () => {
    const monday = mondayInWeeks(6);
    const syt = await token('vanthu.syt', demoPassword);
    const title = 'Họp bàn kế hoạch tiêm chủng (kiểm thử từ chối)';
    setStep('a pending request');
    const made = await api('POST', '/api/v1/meetings', syt, {
      title, location: 'Sở Y tế', starts_at: `${monday}T14:00`, ends_at: `${monday}T15:00`, submit: true,
    });
    check(made.status === 201, `meeting: ${made.status} ${JSON.stringify(made.json)}`);
    const id = made.json.id;

    const page = await browser.newPage({ ...vi, viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill('lanhdaovp');
    await page.getByLabel('Mật khẩu').fill(demoPassword);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/viec-can-lam/);
    await page.goto(`${base}/cuoc-hop/${id}`);

    setStep('the check is in view');
    check(await page.getByRole('heading', { name: 'Kết quả kiểm tra trùng lịch' }).isVisible(), 'the reviewer sees what the check finds');
    check((await page.locator('#review-heading + .hint-summary').innerText()).length > 0, 'with a summary');

    setStep('the buttons differ');
    const colours = await page.evaluate(() => {
      const of = (cls) => {
        const b = document.querySelector(`form.decision button.${cls}`);
        if (!b) return null;
        const s = getComputedStyle(b);
        return `${s.backgroundColor}|${s.color}|${s.borderTopColor}`;
      };
      return { approve: of('approve'), reject: of('reject'), ret: of('return') };
    });
    check(colours.approve && colours.reject && colours.ret, `all three shown: ${JSON.stringify(colours)}`);
    check(new Set([colours.approve, colours.reject, colours.ret]).size === 3, `three looks: ${JSON.stringify(colours)}`);

    setStep('reject by keyboard');
    const reject = page.locator(`form[action="/cuoc-hop/${id}/tu-choi"]`);
    await reject.getByLabel('Lý do').focus();
    await page.keyboard.type('Đề nghị gộp với cuộc họp giao ban tuần');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Xác nhận' }).waitFor();
    check((await page.content()).includes(`Từ chối đăng ký #${id} «${title}»?`), 'asks about this request by name');
    check((await page.content()).includes('Chờ duyệt'), 'nothing done yet');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.textContent.trim());
    check(focused === 'Từ chối', `the confirming button has focus, not "${focused}"`);
    await page.screenshot({ path: `${shots}/cuoc-hop-xac-nhan-tu-choi.png`, fullPage: true });
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?done=tu-choi/);
    const notice = await page.locator('.notice').innerText();
    check(notice === `Đã từ chối đăng ký #${id} «${title}».`, `the notice: ${notice}`);
    check((await page.content()).includes('Đề nghị gộp với cuộc họp giao ban tuần'), 'the reason typed first is kept');
    await page.close();
  });
}
