// The request form's help: a live conflict hint showing the approved meeting in the way (another
// agency's, so only as "Bận"), fixed by picking a free slot from "find a time"; and a returned
// request edited and sent again.
export default function ({ scenario, check, api, token, mondayInWeeks, browser, base, demoPassword, shots, vi, setStep }) {
  async function signIn(page, username) {
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(demoPassword);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/viec-can-lam/);
  }

  scenario('a clerk sees a live conflict hint, picks a free slot, submits; a returned request is edited and sent again', async () => {
    // Tuesday of a week no demo meeting uses.
    const monday = mondayInWeeks(5);
    const day = new Date(`${monday}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 1);
    const tuesday = day.toISOString().slice(0, 10);
    const syt = await token('vanthu.syt', demoPassword);
    const approverToken = await token('lanhdaovp', demoPassword);
    const rooms = await api('GET', '/api/v1/rooms', syt);
    check(rooms.status === 200, `rooms: ${rooms.status}`);
    const room = (rooms.json.items || rooms.json).find((r) => r.bookable);
    const taken = 'Họp giao ban Sở Y tế (kiểm thử trùng lịch)';
    setStep('an approved meeting in the room');
    const made = await api('POST', '/api/v1/meetings', syt, {
      title: taken, room_id: room.id, starts_at: `${tuesday}T08:00`, ends_at: `${tuesday}T09:00`, submit: true,
    });
    check(made.status === 201, `meeting: ${made.status} ${JSON.stringify(made.json)}`);
    const approved = await api('POST', `/api/v1/meetings/${made.json.id}/approve`, approverToken);
    check(approved.status === 200, `approve: ${approved.status} ${JSON.stringify(approved.json)}`);

    const clerk = await browser.newPage({ ...vi, viewport: { width: 1280, height: 1000 } });
    await signIn(clerk, 'vanthu.stc');
    setStep('the form with a colliding time');
    await clerk.goto(`${base}/dang-ky/moi`);
    const title = 'Họp triển khai chuyển đổi số (kiểm thử tìm giờ)';
    await clerk.locator('#f-title').fill(title);
    await clerk.locator('#f-day').fill(tuesday);
    await clerk.locator('#f-start').fill('08:30');
    await clerk.locator('#f-end').fill('09:30');
    await clerk.locator('#f-room_id').selectOption(String(room.id));
    setStep('the live hint shows the approved meeting of another agency as busy');
    const hints = clerk.locator('#conflict-hints');
    await hints.getByText('«Bận»').first().waitFor({ timeout: 5000 });
    check((await hints.innerText()).includes('Lỗi:'), 'the hint says it is an error, in words');
    check(!(await hints.innerText()).includes(taken), 'another agency\'s meeting is not named');
    check(await hints.getAttribute('aria-live') === 'polite', 'announced to screen readers');
    await clerk.screenshot({ path: `${shots}/dang-ky-goi-y-trung-lich.png`, fullPage: true });

    setStep('find a time and pick a slot');
    await clerk.locator('#f-duration').fill('60');
    await clerk.locator('#f-find_from').fill(tuesday);
    await clerk.getByRole('button', { name: 'Tìm giờ trống' }).click();
    const pick = clerk.locator('#free-slots .slot-pick').first();
    await pick.waitFor({ timeout: 5000 });
    await clerk.screenshot({ path: `${shots}/dang-ky-tim-gio.png`, fullPage: true });
    const chosen = await pick.evaluate((b) => ({ ...b.dataset }));
    await pick.click();
    check(await clerk.locator('#f-start').inputValue() === chosen.start, 'the start is filled');
    check(await clerk.locator('#f-end').inputValue() === chosen.end, 'the end is filled');
    check(await clerk.locator('#f-room_id').inputValue() === chosen.room, 'the room is filled');
    setStep('the hint clears');
    await clerk.waitForFunction((t) => {
      const box = document.querySelector('#conflict-hints');
      return !box.hasAttribute('aria-busy') && !box.textContent.includes(t) && box.querySelector('.hint-summary');
    }, taken, { timeout: 5000 });
    check(await clerk.locator('#conflict-hints .conflict-error').count() === 0, 'no error left');
    await clerk.screenshot({ path: `${shots}/dang-ky-da-chon-gio.png`, fullPage: true });
    setStep('submit');
    await clerk.getByLabel('Gửi duyệt ngay').check();
    await clerk.getByRole('button', { name: 'Lưu đăng ký' }).click();
    await clerk.waitForURL(/\/cuoc-hop\/\d+/);
    check((await clerk.content()).includes('Chờ duyệt'), 'submitted for approval');
    const meetingUrl = clerk.url().split('?')[0];
    const id = meetingUrl.split('/').pop();

    setStep('the office returns it');
    const staff = await token('chuyenvien', demoPassword);
    const back = await api('POST', `/api/v1/meetings/${id}/return`, staff, { reason: 'Bổ sung thành phần dự họp' });
    check(back.status === 200, `return: ${back.status} ${JSON.stringify(back.json)}`);

    setStep('the clerk edits the returned request');
    await clerk.goto(meetingUrl);
    await clerk.getByRole('link', { name: 'Sửa đăng ký' }).click();
    await clerk.waitForURL(/\/sua/);
    check(await clerk.locator('#f-title').inputValue() === title, 'the edit form is filled');
    check(await clerk.locator('#f-start').inputValue() === chosen.start, 'with the saved time');
    await clerk.locator('#f-title').fill(`${title} — bổ sung`);
    await clerk.locator('#f-agenda').fill('Bổ sung thành phần: Sở Thông tin và Truyền thông.');
    await clerk.getByRole('button', { name: 'Lưu đăng ký' }).click();
    await clerk.waitForURL(/\/cuoc-hop\/\d+\?done=luu/);
    check((await clerk.locator('.notice').innerText()).includes('chưa được gửi duyệt'), 'saved, not yet sent');
    check((await clerk.content()).includes(`${title} — bổ sung`), 'the edit is saved');
    setStep('and sends it again');
    await clerk.getByRole('button', { name: 'Gửi duyệt' }).click();
    await clerk.getByText(/^Đã gửi duyệt đăng ký #\d+ «/).waitFor();
    check((await clerk.content()).includes('Chờ duyệt'), 'pending again');
    await clerk.screenshot({ path: `${shots}/cuoc-hop-gui-lai.png`, fullPage: true });

    setStep('the form fits a phone');
    const phone = await browser.newPage({ ...vi, viewport: { width: 375, height: 740 }, isMobile: true });
    await phone.context().addCookies(await clerk.context().cookies());
    await phone.goto(`${base}/dang-ky/moi`);
    const fits = await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    check(fits, 'the request form fits a phone');
    await phone.screenshot({ path: `${shots}/dang-ky-phone.png`, fullPage: true });
    for (const p of [clerk, phone]) await p.close();
  });
}
