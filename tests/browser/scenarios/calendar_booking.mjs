// Issue #18 items 3, 4 and 9: a free cell of the room calendars opens the request form filled in
// (with and without script), the month views of rooms and leaders, find-a-time never offering a
// slot across the lunch break, and the lobby TV filling 1920×1080 and 1080×1920 with no visible
// button, pausing on a key and surviving a server that does not answer.
export default function ({ scenario, check, mondayInWeeks, browser, base, demoPassword, shots, vi, setStep }) {
  async function signIn(page, username) {
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(demoPassword);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/viec-can-lam/);
  }

  const params = (href) => Object.fromEntries(new URL(href, base).searchParams);

  async function formHas(page, p, what) {
    await page.waitForURL(/\/dang-ky\/moi\?/);
    check(await page.locator('#f-day').inputValue() === p.day, `${what}: the day is filled (${p.day})`);
    check(await page.locator('#f-start').inputValue() === p.start, `${what}: the start is filled (${p.start})`);
    check(await page.locator('#f-end').inputValue() === p.end, `${what}: the end is filled (${p.end})`);
    check(await page.locator('#f-room_id').inputValue() === p.room_id, `${what}: the room is chosen (${p.room_id})`);
  }

  scenario('a free cell of the room calendar opens the prefilled request form, with and without script', async () => {
    const week = mondayInWeeks(4);
    for (const script of [true, false]) {
      const context = await browser.newContext({ ...vi, viewport: { width: 1366, height: 900 }, javaScriptEnabled: script });
      const page = await context.newPage();
      setStep(`clerk signs in (script ${script})`);
      await signIn(page, 'vanthu.stc');
      setStep(`week view, a free cell (script ${script})`);
      await page.goto(`${base}/lich-phong?tuan=${week}`);
      const cell = page.locator('table.calendar-week a.book').first();
      const href = await cell.getAttribute('href');
      check(href && href.startsWith('/dang-ky/moi?'), `a free cell is a link: ${href}`);
      if (script) await page.screenshot({ path: `${shots}/lich-phong-dat-phong.png`, fullPage: true });
      await cell.click();
      await formHas(page, params(href), 'from the week');
      setStep(`day view, a free half hour (script ${script})`);
      await page.goto(`${base}/lich-phong/ngay?ngay=${week}`);
      const slot = page.locator('table.timeline a.book').nth(3);
      const slotHref = await slot.getAttribute('href');
      const p = params(slotHref);
      check(p.end <= '11:30' || p.start >= '13:30', `no booking link across lunch: ${slotHref}`);
      check((await slot.innerText()).includes('Đăng ký họp'), 'the link says what it does to screen readers');
      await slot.click();
      await formHas(page, p, 'from the day');
      await context.close();
    }
  });

  scenario('month views of rooms and leaders', async () => {
    const page = await browser.newPage({ ...vi, viewport: { width: 1366, height: 900 } });
    await signIn(page, 'chuyenvien');
    for (const [path, file] of [['/lich-phong/thang', 'lich-phong-thang'], ['/lich-lanh-dao/thang', 'lich-lanh-dao-thang']]) {
      setStep(path);
      const res = await page.goto(`${base}${path}`);
      check(res.status() === 200, `${path}: ${res.status()}`);
      const weeks = await page.locator('table.calendar-month tbody tr').count();
      check(weeks >= 4 && weeks <= 6, `${path}: ${weeks} weeks`);
      check(await page.locator('table.calendar-month thead th').count() === 7, `${path}: seven weekdays`);
      check(await page.locator('table.calendar-month td.today').count() === 1, `${path}: today marked`);
      check(await page.locator('table.calendar-month .entry').count() > 0, `${path}: the demo's meetings`);
      await page.screenshot({ path: `${shots}/${file}.png`, fullPage: true });
      await page.getByRole('link', { name: 'Tháng sau' }).click();
      await page.waitForURL(/thang=\d{4}-\d{2}/);
    }
    setStep('the week links to the month');
    await page.goto(`${base}/lich-phong`);
    await page.getByRole('link', { name: 'Xem theo tháng' }).click();
    await page.waitForURL(/\/lich-phong\/thang/);
    await page.close();
  });

  scenario('find-a-time offers slots over several days and never across lunch', async () => {
    const page = await browser.newPage({ ...vi, viewport: { width: 1280, height: 1000 } });
    await signIn(page, 'vanthu.stc');
    await page.goto(`${base}/dang-ky/moi`);
    await page.locator('#f-duration').fill('120');
    await page.locator('#f-find_from').fill(mondayInWeeks(6));
    await page.getByRole('button', { name: 'Tìm giờ trống' }).click();
    await page.locator('#free-slots .slot').first().waitFor({ timeout: 5000 });
    const slots = await page.locator('#free-slots .slot-when').allInnerTexts();
    check(slots.length >= 5, `${slots.length} slots`);
    const days = new Set();
    for (const s of slots) {
      const m = s.match(/(\d{2}\/\d{2}\/\d{4}), (\d{2}:\d{2})–(\d{2}:\d{2})/);
      check(m, `a slot reads as day and times: ${s}`);
      days.add(m[1]);
      check(m[3] <= '11:30' || m[2] >= '13:30', `not across lunch: ${s}`);
    }
    check(days.size >= 3, `spread over ${days.size} days`);
    await page.screenshot({ path: `${shots}/tim-gio-khong-qua-trua.png`, fullPage: true });
    await page.close();
  });

  scenario('the lobby TV fills 1920×1080 and 1080×1920, with a clock and no visible button', async () => {
    for (const [width, height] of [[1920, 1080], [1080, 1920]]) {
      setStep(`lobby ${width}×${height}`);
      const page = await browser.newPage({ ...vi, viewport: { width, height } });
      await page.goto(`${base}/man-hinh`);
      const m = await page.evaluate(() => {
        const main = document.querySelector('main').getBoundingClientRect();
        const rooms = [...document.querySelectorAll('.lobby-room')].map((r) => r.getBoundingClientRect());
        const visibleButtons = [...document.querySelectorAll('button, [role=button]')]
          .filter((b) => b.getBoundingClientRect().width > 0 && getComputedStyle(b).visibility !== 'hidden').length;
        return {
          main: main.height, inner: innerHeight, scroll: document.documentElement.scrollHeight,
          scrollWidth: document.documentElement.scrollWidth, innerWidth,
          bottom: Math.max(...rooms.map((r) => r.bottom)), right: Math.max(...rooms.map((r) => r.right)),
          rooms: rooms.length, visibleButtons,
          font: parseFloat(getComputedStyle(document.body).fontSize),
          clock: document.getElementById('lobby-clock')?.textContent,
        };
      });
      check(m.main >= 0.9 * m.inner, `main is ${m.main}px of ${m.inner}px`);
      check(m.bottom >= 0.9 * m.inner, `the rooms reach ${m.bottom}px of ${m.inner}px: no empty half`);
      check(m.right >= 0.9 * m.innerWidth, `the rooms reach ${m.right}px of ${m.innerWidth}px wide`);
      check(m.scroll <= m.inner && m.scrollWidth <= m.innerWidth, `one screen, no scroll (${m.scrollWidth}×${m.scroll})`);
      check(m.visibleButtons === 0, `${m.visibleButtons} visible buttons`);
      check(m.font >= 24, `type ${m.font}px, read across the hall`);
      check(/^\d{2}:\d{2}$/.test(m.clock || ''), `a clock: ${m.clock}`);
      await page.screenshot({ path: `${shots}/man-hinh-${width}x${height}.png` });
      await page.close();
    }
  });

  scenario('the lobby refreshes itself, pauses on a key, and keeps its data while the server is away', async () => {
    const page = await browser.newPage({ ...vi, viewport: { width: 1920, height: 1080 } });
    await page.clock.install();
    await page.goto(`${base}/man-hinh`);
    check(await page.locator('meta[http-equiv="refresh"]').count() === 0, 'no meta refresh');
    let fetches = 0;
    page.on('request', (r) => { if (r.url().endsWith('/man-hinh') && r.resourceType() === 'fetch') fetches += 1; });
    await page.evaluate(() => { window.seen = true; });
    setStep('a minute later it has fetched the page again, without reloading');
    await page.clock.runFor(61000);
    await page.waitForTimeout(500);
    check(fetches === 1, `${fetches} refreshes after a minute`);
    check(await page.evaluate(() => window.seen) === true, 'the page was not reloaded');

    setStep('P pauses, announced; nothing is fetched while paused');
    await page.keyboard.press('p');
    check((await page.locator('#lobby-status').innerText()).includes('Đã tạm dừng'), 'the pause is announced');
    await page.clock.runFor(180000);
    await page.waitForTimeout(300);
    check(fetches === 1, `still ${fetches} while paused`);
    await page.keyboard.press('p');
    check((await page.locator('#lobby-status').innerText()).includes('Đã tiếp tục'), 'the resume is announced');

    setStep('the server is away: the rooms stay, a note says so, it retries with backoff');
    const rooms = await page.locator('.lobby-room').count();
    await page.route('**/man-hinh', (route) => route.abort('connectionrefused'));
    await page.clock.runFor(61000);
    await page.waitForTimeout(300);
    check(await page.locator('.lobby-room').count() === rooms, 'the last rooms stay on screen');
    check(await page.locator('#lobby-updated').isVisible(), 'a note says the screen is not up to date');
    await page.screenshot({ path: `${shots}/man-hinh-mat-ket-noi.png` });
    const before = fetches;
    await page.clock.runFor(6000);
    await page.waitForTimeout(300);
    check(fetches > before, 'retried after seconds, not a minute');
    setStep('the server is back');
    await page.unroute('**/man-hinh');
    await page.clock.runFor(21000);
    await page.waitForTimeout(500);
    check(await page.locator('#lobby-updated').isHidden(), 'the note goes once the server answers');
    check(await page.locator('.lobby-room').count() === rooms, 'the rooms are there');
    await page.close();
  });
}
