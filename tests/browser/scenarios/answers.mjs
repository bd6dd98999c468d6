// Invitees answer without an account (issue #17 item 4). The demo server sends no e-mail, so the
// office hands out the personal link through the API (as it would for an invitee without an
// address); a fresh browser with no session follows it, with the keyboard only: a refusal names
// the missing field and keeps what was typed, the answer is recorded, axe-core finds nothing on
// either page, and the page speaks English after the switch. The meeting's page shows the
// summary to the requesting clerk. Then the inbox, by keyboard: the header's unread count, one
// entry marked read, the link to the meeting; axe-core finds nothing there either.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function axe(page) {
  return page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
}

// Presses Tab until the focused element matches `selector` (at most 60 times).
async function tabTo(page, selector) {
  for (let i = 0; i < 60; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
  }
  throw new Error(`the keyboard never reaches ${selector}`);
}

async function focusVisible(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  });
}

export default ({ scenario, check, api, token, mondayInWeeks, browser, base, demoPassword, vi, setStep }) => {
  scenario('an invitee answers through the personal link with the keyboard only; the meeting page sums up', async () => {
    setStep('an approved meeting with two invited persons');
    const clerk = await token('vanthu.stc', demoPassword);
    const approver = await token('lanhdaovp', demoPassword);
    const persons = await api('GET', '/api/v1/persons', clerk);
    check(persons.status === 200, `persons: ${persons.status}`);
    const list = Array.isArray(persons.json) ? persons.json : persons.json.items;
    const invited = list.filter((p) => !p.is_leader).slice(0, 2);
    check(invited.length === 2, 'two persons to invite');
    const day = mondayInWeeks(6);
    const title = 'Họp lấy ý kiến dự thảo quy chế (kiểm thử trả lời)';
    const created = await api('POST', '/api/v1/meetings', clerk, {
      title, kind: 'hop', location: 'Hội trường tầng 2, Sở Tài chính',
      starts_at: `${day}T15:00`, ends_at: `${day}T16:30`, visibility: 'confidential',
      attendees: invited.map((p) => ({ person_id: p.id, role: 'required' })), submit: true,
    });
    check(created.status === 201, `registered: ${created.status} ${JSON.stringify(created.json)}`);
    const id = created.json.id;
    const approved = await api('POST', `/api/v1/meetings/${id}/approve`, approver, {});
    check(approved.status === 200, `approved: ${approved.status} ${JSON.stringify(approved.json)}`);
    const link = await api('POST', `/api/v1/meetings/${id}/answer-links`, approver, { person_id: invited[0].id });
    check(link.status === 201, `a link: ${link.status} ${JSON.stringify(link.json)}`);

    setStep('the answer page, without an account');
    const context = await browser.newContext({ ...vi, viewport: { width: 1280, height: 900 } });
    await context.addInitScript({ content: axeSource });
    const page = await context.newPage();
    const res = await page.goto(`${base}${link.json.path}`);
    check(res.status() === 200, `the page opens: ${res.status()}`);
    check((await page.locator('h1').innerText()) === 'Trả lời giấy mời họp', 'its title');
    check((await page.content()).includes(title), 'the confidential meeting is shown to its invitee');
    let found = await axe(page);
    check(found.length === 0, `axe on the answer page: ${found.join('; ')}`);

    setStep('keyboard: a deputy without a position is refused beside the field');
    await tabTo(page, 'input[name=choice]');
    // Arrow keys move through the radio group and select: Tham dự → Vắng → Cử người dự thay.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    check(await page.locator('input[value=cu-nguoi]').isChecked(), 'the deputy choice by arrow keys');
    await tabTo(page, '#f-deputy_name');
    check(await focusVisible(page), 'focus is visible');
    await page.keyboard.type('Lê Thị Gõ');
    await tabTo(page, 'button[type=submit]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await page.locator('#f-deputy_position-error').waitFor();
    check(await page.locator('#f-deputy_name').inputValue() === 'Lê Thị Gõ', 'what was typed is kept');
    found = await axe(page);
    check(found.length === 0, `axe on the refusal: ${found.join('; ')}`);

    setStep('keyboard: absent, with a reason');
    await page.locator('input[value=cu-nguoi]').focus();
    await page.keyboard.press('ArrowUp');
    check(await page.locator('input[value=vang]').isChecked(), 'absent by arrow keys');
    await tabTo(page, '#f-reason');
    await page.keyboard.type('Trùng lịch tiếp công dân định kỳ');
    await tabTo(page, 'button[type=submit]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await page.locator('.notice').waitFor();
    check((await page.locator('#current-answer').innerText()).includes('Trùng lịch tiếp công dân'), 'the answer is shown');

    setStep('the page in English');
    await page.getByRole('link', { name: 'English' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForLoadState();
    check((await page.locator('h1').innerText()) === 'Answer a meeting invitation', 'English after the switch');
    found = await axe(page);
    check(found.length === 0, `axe in English: ${found.join('; ')}`);
    await context.close();

    setStep('the requesting clerk sees the summary on the meeting page');
    const office = await browser.newPage({ ...vi, viewport: { width: 1280, height: 900 } });
    await office.goto(`${base}/dang-nhap`);
    await office.getByLabel('Tên đăng nhập').fill('vanthu.stc');
    await office.getByLabel('Mật khẩu').fill(demoPassword);
    await office.getByRole('button', { name: 'Đăng nhập' }).click();
    await office.waitForURL((url) => !url.pathname.startsWith('/dang-nhap'));
    await office.goto(`${base}/cuoc-hop/${id}`);
    const summary = await office.locator('#answers-summary').innerText();
    check(summary === 'Đã xác nhận 1/2 · Vắng 1 · Cử người thay 0', `the summary: ${summary}`);
    check((await office.locator('section.answers').innerText()).includes('Trùng lịch tiếp công dân'), 'the reason per attendee');
    await office.close();
  });

  scenario('the inbox by keyboard: the unread count, one entry marked read, the link to the meeting', async () => {
    setStep('a request sent for approval tells its clerk it was received');
    const clerk = await token('vanthu.stc', demoPassword);
    const day = mondayInWeeks(7);
    const sent = await api('POST', '/api/v1/meetings', clerk, {
      title: 'Họp giao ban chuyên đề (kiểm thử hộp thư)', kind: 'hop', location: 'Phòng họp Sở Tài chính',
      starts_at: `${day}T09:00`, ends_at: `${day}T10:00`, submit: true,
    });
    check(sent.status === 201, `registered: ${sent.status} ${JSON.stringify(sent.json)}`);
    const context = await browser.newContext({ ...vi, viewport: { width: 1280, height: 900 } });
    await context.addInitScript({ content: axeSource });
    const page = await context.newPage();
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill('vanthu.stc');
    await page.getByLabel('Mật khẩu').fill(demoPassword);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/dang-nhap'));

    setStep('the header counts what is unread; the keyboard follows it');
    const before = Number(await page.locator('header .badge').innerText());
    check(before >= 1, `unread: ${before}`);
    await tabTo(page, 'header a.inbox-link');
    check(await focusVisible(page), 'focus is visible on the inbox link');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/thong-bao$/);
    const found = await axe(page);
    check(found.length === 0, `axe on the inbox: ${found.join('; ')}`);

    setStep('one entry marked read by keyboard');
    await tabTo(page, 'table.inbox tr.unread button');
    // The page posts and comes back to the same address: wait for that navigation itself.
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const after = await page.locator('header .badge').count() === 0
      ? 0 : Number(await page.locator('header .badge').innerText());
    check(after === before - 1, `one fewer unread: ${before} → ${after}`);

    setStep('the entry links to its meeting');
    await tabTo(page, 'table.inbox a[href^="/cuoc-hop/"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/cuoc-hop\/\d+$/);
    check((await page.locator('h1').innerText()).length > 0, 'the meeting opens');
    await context.close();
  });
};
