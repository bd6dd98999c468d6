// Publishing the weekly schedule (issue 16): the approver goes from the dashboard to the preview
// of next week, publishes it with a note; a new meeting then shows on the dashboard as an
// unpublished change and in the preview marked "(Mới)"; the adjustment is published and the
// public page shows "Điều chỉnh lần 1" with the marks ("(Mới)", and "(Hủy)" for a meeting
// cancelled after the first issue, its title struck through), passing axe at desktop and phone
// widths, while the first issue stays readable.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export default function ({ scenario, check, api, token, mondayInWeeks, browser, base, demoPassword, shots, vi, setStep }) {
  scenario('the approver previews next week, publishes it, then publishes an adjustment with its difference marked', async () => {
    const monday = mondayInWeeks(1);
    const day = new Date(`${monday}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 2);
    const wednesday = day.toISOString().slice(0, 10);
    const approverToken = await token('lanhdaovp', demoPassword);
    const clerkToken = await token('vanthu.stc', demoPassword);
    const persons = await api('GET', '/api/v1/persons', clerkToken);
    const leader = (persons.json.items || persons.json).filter((p) => p.is_leader).pop();
    check(leader, 'a leader in the demo data');

    // A meeting in the first issue that is cancelled before the adjustment.
    const thursday = new Date(`${monday}T00:00:00Z`);
    thursday.setUTCDate(thursday.getUTCDate() + 3);
    const dropped = 'Làm việc với đoàn kiểm tra (kiểm thử hủy)';
    const first = await api('POST', '/api/v1/meetings', clerkToken, {
      title: dropped, chair_id: leader.id, location: 'Phòng họp tầng 3', visibility: 'public',
      starts_at: `${thursday.toISOString().slice(0, 10)}T14:00`,
      ends_at: `${thursday.toISOString().slice(0, 10)}T15:30`, submit: true,
    });
    check(first.status === 201, `meeting: ${first.status} ${JSON.stringify(first.json)}`);
    const firstOk = await api('POST', `/api/v1/meetings/${first.json.id}/approve`, approverToken);
    check(firstOk.status === 200, `approve: ${firstOk.status} ${JSON.stringify(firstOk.json)}`);

    const approver = await browser.newPage({ ...vi, viewport: { width: 1280, height: 900 } });
    await approver.goto(`${base}/dang-nhap`);
    await approver.getByLabel('Tên đăng nhập').fill('lanhdaovp');
    await approver.getByLabel('Mật khẩu').fill(demoPassword);
    await approver.getByRole('button', { name: 'Đăng nhập' }).click();
    await approver.waitForURL(/\/viec-can-lam/);

    setStep('the dashboard offers the first issue of next week');
    const row = approver.locator('tr', { hasText: 'Tuần sau' });
    await row.getByRole('link', { name: 'Xem trước và phát hành lịch tuần' }).click();
    await approver.waitForURL(/xem-truoc=1/);
    await approver.getByText('Bản xem trước').waitFor();
    await approver.getByLabel('Ghi chú kèm lần phát hành (không bắt buộc)').fill('Phát hành lịch tuần (kiểm thử trình duyệt)');
    await approver.getByRole('button', { name: 'Phát hành lịch tuần' }).click();
    await approver.waitForURL(/ban=0/);
    check((await approver.content()).includes('Phát hành lịch tuần (kiểm thử trình duyệt)'), 'the note is shown');

    setStep('a new meeting is an unpublished change');
    const title = 'Gặp mặt đoàn đại biểu (kiểm thử phát hành)';
    const made = await api('POST', '/api/v1/meetings', clerkToken, {
      title, chair_id: leader.id, location: 'Hội trường Tỉnh ủy', visibility: 'public',
      starts_at: `${wednesday}T19:00`, ends_at: `${wednesday}T20:30`, submit: true,
    });
    check(made.status === 201, `meeting: ${made.status} ${JSON.stringify(made.json)}`);
    const approved = await api('POST', `/api/v1/meetings/${made.json.id}/approve`, approverToken);
    check(approved.status === 200, `approve: ${approved.status} ${JSON.stringify(approved.json)}`);
    const cancelled = await api('POST', `/api/v1/meetings/${first.json.id}/cancel`, approverToken,
      { reason: 'Đoàn kiểm tra đổi lịch' });
    check(cancelled.status === 200, `cancel: ${cancelled.status} ${JSON.stringify(cancelled.json)}`);
    await approver.goto(`${base}/viec-can-lam`);
    const changed = approver.locator('tr', { hasText: 'Tuần sau' });
    check((await changed.innerText()).includes('Đã phát hành'), 'next week is published');
    await approver.screenshot({ path: `${shots}/phat-hanh-viec-can-lam.png`, fullPage: true });
    await changed.getByRole('link', { name: 'Xem trước và phát hành điều chỉnh' }).click();
    await approver.waitForURL(/xem-truoc=1/);

    setStep('the preview marks the difference');
    const marked = approver.locator('tr', { hasText: title });
    await marked.waitFor();
    check((await marked.innerText()).includes('(Mới)'), 'the new row is marked (Mới)');
    check((await marked.innerText()).includes('19h00'), 'an evening row');
    check(await approver.locator('tr.session', { hasText: 'Tối' }).count() >= 1, 'the evening session');
    await approver.screenshot({ path: `${shots}/phat-hanh-xem-truoc.png`, fullPage: true });
    await approver.getByRole('button', { name: 'Phát hành điều chỉnh' }).click();
    await approver.waitForURL(/ban=1/);

    setStep('the public sees the adjustment; the first issue stays readable');
    const context = await browser.newContext({ ...vi, viewport: { width: 1280, height: 900 } });
    await context.addInitScript({ content: axeSource });
    const pub = await context.newPage();
    await pub.goto(`${base}/lich-cong-tac?tuan=${monday}`);
    await pub.locator('.revision-title', { hasText: 'Điều chỉnh lần 1' }).waitFor();
    check((await pub.locator('tr', { hasText: title }).innerText()).includes('(Mới)'), 'marked for the public');
    const gone = pub.locator('tr.mark-cancelled', { hasText: dropped });
    check((await gone.innerText()).includes('(Hủy)'), 'the cancelled row says (Hủy)');
    check(await gone.locator('del', { hasText: dropped }).count() === 1, 'its title struck through');
    for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
      await pub.setViewportSize(viewport);
      const violations = await pub.evaluate(async () => (await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        resultTypes: ['violations'],
      })).violations.map((v) => `${v.id} ×${v.nodes.length} ${v.nodes[0]?.target}`));
      check(violations.length === 0, `axe on the marked revision at ${viewport.width}px: ${violations.join('; ')}`);
    }
    await pub.setViewportSize({ width: 1280, height: 900 });
    check(!(await pub.content()).includes('Bản xem trước'), 'no preview label for the public');
    await pub.screenshot({ path: `${shots}/lich-cong-tac-dieu-chinh.png`, fullPage: true });
    await pub.getByRole('link', { name: 'Phát hành lần đầu' }).click();
    await pub.waitForURL(/ban=0/);
    check(!(await pub.content()).includes(title), 'the first issue does not have it');
    await approver.close();
    await context.close();
  });
}
