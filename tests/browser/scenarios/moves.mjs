// Moving a decided meeting from its page (issue #18 item 2): the approver checks a new time with
// Enter (the check is the form's first button, so Enter never moves by accident), moves the
// meeting with the keyboard, then postpones it through the confirmation step; axe finds nothing
// critical, serious or moderate on the page before and after.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export default function ({ scenario, check, api, token, mondayInWeeks, browser, base, demoPassword, shots, vi, setStep }) {
  async function axe(page) {
    const found = await page.evaluate(async () => {
      const r = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        resultTypes: ['violations'],
      });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, target: v.nodes[0]?.target.join(' ') }));
    });
    return found.filter((v) => ['critical', 'serious', 'moderate'].includes(v.impact));
  }

  scenario('an approver reschedules and postpones a meeting from its page with the keyboard (axe)', async () => {
    const monday = mondayInWeeks(7);
    const tuesday = new Date(`${monday}T00:00:00Z`);
    tuesday.setUTCDate(tuesday.getUTCDate() + 1);
    const day2 = tuesday.toISOString().slice(0, 10);
    const syt = await token('vanthu.syt', demoPassword);
    const approver = await token('lanhdaovp', demoPassword);
    const title = 'Họp bàn phòng chống dịch sốt xuất huyết (kiểm thử dời lịch)';
    setStep('an approved meeting');
    const made = await api('POST', '/api/v1/meetings', syt, {
      title, location: 'Sở Y tế', starts_at: `${monday}T14:00`, ends_at: `${monday}T15:00`, submit: true,
    });
    check(made.status === 201, `meeting: ${made.status} ${JSON.stringify(made.json)}`);
    const id = made.json.id;
    const approved = await api('POST', `/api/v1/meetings/${id}/approve`, approver, {});
    check(approved.status === 200, `approve: ${approved.status} ${JSON.stringify(approved.json)}`);

    const context = await browser.newContext({ ...vi, viewport: { width: 1280, height: 900 } });
    await context.addInitScript({ content: axeSource });
    const page = await context.newPage();
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill('lanhdaovp');
    await page.getByLabel('Mật khẩu').fill(demoPassword);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/viec-can-lam/);
    await page.goto(`${base}/cuoc-hop/${id}`);

    setStep('the moves are offered, each in its own style');
    const move = page.locator(`form[action="/cuoc-hop/${id}/doi-lich"]`);
    const postpone = page.locator(`form[action="/cuoc-hop/${id}/tam-hoan"]`);
    check(await move.isVisible(), 'Dời lịch is offered');
    check(await postpone.isVisible(), 'Tạm hoãn is offered');
    check(await page.locator(`form[action="/cuoc-hop/${id}/doi-chu-tri"]`).isVisible(), 'Đổi người chủ trì is offered');
    const looks = await page.evaluate(() => ['move', 'postpone', 'chair', 'cancel'].map((c) => {
      const b = document.querySelector(`form.decision button.${c}`);
      const s = b && getComputedStyle(b);
      return s ? `${s.backgroundColor}|${s.color}|${s.borderTopColor}` : null;
    }));
    check(looks.every(Boolean) && new Set(looks).size === 4, `four looks: ${JSON.stringify(looks)}`);
    const before = await axe(page);
    check(before.length === 0, `axe on the approved meeting: ${JSON.stringify(before)}`);

    setStep('check the new time with Enter');
    await move.getByLabel('Bắt đầu (mới)').fill(`${day2}T09:00`);
    await move.getByLabel('Kết thúc (mới)').fill(`${day2}T10:00`);
    await move.getByLabel('Lý do').focus();
    await page.keyboard.type('Lãnh đạo Sở dự họp HĐND');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const checked = page.locator(`form[action="/cuoc-hop/${id}/doi-lich"]`);
    check(await checked.locator('.move-check .hint-summary').isVisible(), `the check says how it stands: ${await checked.innerText()}`);
    check(await checked.getByLabel('Bắt đầu (mới)').inputValue() === `${day2}T09:00`, 'the new time is kept');
    check(await checked.getByLabel('Lý do').inputValue() === 'Lãnh đạo Sở dự họp HĐND', 'the reason is kept');
    check((await page.content()).includes(`${monday.split('-').reverse().join('/')}`), 'not moved yet');

    setStep('move with the keyboard');
    await checked.getByRole('button', { name: 'Dời lịch' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?done=doi-lich/);
    const moved = await page.locator('.notice').innerText();
    check(moved === `Đã dời lịch cuộc họp #${id} «${title}».`, `the notice: ${moved}`);
    check((await page.content()).includes(`09:00 ${day2.split('-').reverse().join('/')}`), 'the page shows the new time');

    setStep('postpone, asked again');
    await postpone.getByLabel('Lý do').focus();
    await page.keyboard.type('Chờ ý kiến Bộ Y tế');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Xác nhận' }).waitFor();
    check((await page.content()).includes(`Tạm hoãn cuộc họp #${id} «${title}»?`), 'asks about this meeting by name');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.textContent.trim());
    check(focused === 'Tạm hoãn', `the confirming button has focus, not "${focused}"`);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?done=tam-hoan/);
    const notice = await page.locator('.notice').innerText();
    check(notice.startsWith(`Đã tạm hoãn cuộc họp #${id} «${title}»`), `the notice: ${notice}`);
    check(await page.locator('.facts strong', { hasText: 'Tạm hoãn' }).isVisible(), 'the status says Tạm hoãn');
    check(await page.locator(`form[action="/cuoc-hop/${id}/doi-lich"]`).isVisible(), 'it may be rescheduled later');
    await page.screenshot({ path: `${shots}/cuoc-hop-tam-hoan.png`, fullPage: true });
    const after = await axe(page);
    check(after.length === 0, `axe on the postponed meeting: ${JSON.stringify(after)}`);
    await context.close();
  });
}
