// The request form at a province's scale and on a phone (#18 items 5–7): with 150 more agencies
// and 500 more persons the form stays short, is done with the keyboard in few Tabs, and each
// picker answers a keystroke within 100 ms (a product requirement of the issue; the figure is
// printed); axe finds nothing with the combobox open. At 390×844 a refused save puts a focused
// summary at the top, nothing scrolls sideways (form, meeting page, queue), and tap targets are at
// least 24 px. Documents go with the new request, and a refused save asks for them again.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export default function ({ scenario, check, api, token, mondayInWeeks, browser, base, adminPassword, demoPassword, shots, vi, setStep }) {
  async function signIn(page, username) {
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(demoPassword);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/viec-can-lam/);
  }

  async function axe(page) {
    return page.evaluate(async () => {
      const r = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        resultTypes: ['violations'],
      });
      return r.violations.filter((v) => v.impact !== 'minor')
        .map((v) => `${v.id} ×${v.nodes.length} ${v.nodes[0].target.join(' ')}`);
    });
  }

  // Milliseconds from each key press in `input` to the next frame after the picker's answer.
  async function keystrokes(page, selector, text) {
    await page.evaluate((sel) => {
      const input = document.querySelector(sel);
      window.latencies = [];
      input.addEventListener('keydown', () => { window.keyAt = performance.now(); }, true);
      // Added after the picker's own listener, so it runs once the list is filtered.
      input.addEventListener('input', () => {
        const t0 = window.keyAt;
        requestAnimationFrame(() => setTimeout(() => window.latencies.push(performance.now() - t0), 0));
      });
    }, selector);
    await page.locator(selector).focus();
    for (const ch of text) {
      await page.keyboard.type(ch);
      await page.waitForTimeout(60);
    }
    await page.waitForTimeout(100);
    return page.evaluate(() => window.latencies);
  }

  scenario('the request form with 150 more agencies and 500 more persons: short, keyboard-only, pickers answer within 100 ms', async () => {
    setStep('seeding 150 agencies and 500 persons through the API');
    const admin = await token('admin', adminPassword);
    const agencies = [];
    for (let start = 1; start <= 150; start += 15) {
      const batch = await Promise.all(Array.from({ length: 15 }, (_, k) => {
        const n = String(start + k).padStart(3, '0');
        return api('POST', '/api/v1/agencies', admin, {
          name: `Ủy ban nhân dân xã Thử Nghiệm ${n}`, short_name: `XTN${n}`, kind: 'ubnd_xa', sort_order: 500 + start + k,
        });
      }));
      for (const r of batch) {
        check(r.status === 201, `agency: ${r.status} ${JSON.stringify(r.json)}`);
        agencies.push(r.json);
      }
    }
    for (let start = 0; start < 500; start += 25) {
      const batch = await Promise.all(Array.from({ length: 25 }, (_, k) => {
        const i = start + k;
        return api('POST', '/api/v1/persons', admin, {
          full_name: `Trần Thị Kiểm ${String(i + 1).padStart(3, '0')}`, position: 'Chuyên viên',
          agency_id: agencies[i % agencies.length].id, sort_order: 1000 + i,
        });
      }));
      for (const r of batch) check(r.status === 201, `person: ${r.status} ${JSON.stringify(r.json)}`);
    }

    const context = await browser.newContext({ ...vi, viewport: { width: 1366, height: 900 } });
    await context.addInitScript({ content: axeSource });
    const page = await context.newPage();
    await signIn(page, 'vanthu.stc');
    await page.goto(`${base}/dang-ky/moi`);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    console.log(`    request form height at 1366 px with 150+ agencies, 500+ persons: ${height} px`);
    await page.screenshot({ path: `${shots}/dang-ky-150-don-vi.png`, fullPage: true });
    if (height >= 2500) {
      console.log(await page.evaluate(() => [...document.querySelectorAll('#request-form > *, .form-side, header, nav')]
        .map((e) => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().height)}`).join('\n')));
    }
    check(height < 2500, `the form is ${height} px tall`);

    setStep('each picker answers a keystroke');
    const agencyTimes = await keystrokes(page, '#f-agencies', 'xa thu nghiem 01');
    const personTimes = await keystrokes(page, '#f-persons', 'tran thi kiem 4');
    const worst = Math.max(...agencyTimes, ...personTimes);
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`    picker keystroke to next frame: agencies median ${median(agencyTimes).toFixed(1)} ms, persons median ${median(personTimes).toFixed(1)} ms, worst ${worst.toFixed(1)} ms (${agencyTimes.length + personTimes.length} keys)`);
    check(agencyTimes.length >= 10 && personTimes.length >= 10, 'every keystroke was measured');
    check(worst < 100, `worst keystroke ${worst.toFixed(1)} ms`);
    const options = await page.locator('#f-persons-list [role=option]').count();
    check(options >= 10 && options <= 30, `persons listed for «tran thi kiem 4»: ${options}`);
    check(await page.locator('#f-persons').getAttribute('aria-expanded') === 'true', 'the combobox says it is open');
    const open = await axe(page);
    check(open.length === 0, `axe with the combobox open: ${open.join('; ')}`);
    await page.screenshot({ path: `${shots}/dang-ky-bo-chon.png` });
    await page.keyboard.press('Escape');
    check(await page.locator('#f-persons').getAttribute('aria-expanded') === 'false', 'Escape closes it');

    setStep('keyboard only, from the title to "Lưu đăng ký"');
    await page.goto(`${base}/dang-ky/moi`);
    await page.locator('#f-title').focus();
    await page.keyboard.type('Hội nghị các xã (kiểm thử bàn phím)');
    const day = mondayInWeeks(9);
    let tabs = 0;
    const reach = async (selector) => {
      for (let i = 0; i < 60; i += 1) {
        if (await page.evaluate((sel) => document.activeElement === document.querySelector(sel), selector)) return;
        await page.keyboard.press('Tab');
        tabs += 1;
      }
      check(false, `${selector} not reached with Tab`);
    };
    // The date and time widgets' typing order follows the browser's locale: their values are
    // set in place, the Tabs through their parts still counted.
    await reach('#f-day');
    await page.locator('#f-day').fill(day);
    await reach('#f-start');
    await page.locator('#f-start').fill('08:00');
    await reach('#f-end');
    await page.locator('#f-end').fill('10:00');
    await reach('#f-agencies');
    await page.keyboard.type('xa thu nghiem 007');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.keyboard.type('xa thu nghiem 120');
    await page.keyboard.press('Enter');
    check(await page.locator('#f-agencies-chosen .chip').count() === 2, 'two agencies chosen with Enter');
    await reach('#f-persons');
    await page.keyboard.type('kiem 499');
    await page.keyboard.press('Enter');
    check(await page.locator('#f-persons-chosen .chip').count() === 1, 'a person chosen');
    await reach('#request-form .buttons button[type=submit]:not([name])');
    console.log(`    Tab presses from the title to "Lưu đăng ký" (through day, times, two pickers): ${tabs}`);
    // 130 before the pickers; what is left: each field once, each part of the date and time widgets (3 each), the chips.
    check(tabs <= 45, `${tabs} Tab presses`);
    const typed = await page.evaluate(() => ['day', 'start', 'end'].map((n) => document.getElementById(`f-${n}`).value));
    check(typed.join(' ') === `${day} 08:00 10:00`, `typed with the keyboard: ${typed}`);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const refusal = await page.locator('#error-summary').count() ? await page.locator('#error-summary').innerText() : '';
    check(/\/cuoc-hop\/\d+\?done=luu/.test(page.url()), `saved: ${page.url()} ${refusal}`);
    const content = await page.content();
    check(content.includes('Ủy ban nhân dân xã Thử Nghiệm 007') && content.includes('Ủy ban nhân dân xã Thử Nghiệm 120'), 'the chosen agencies are the meeting\'s');
    check(content.includes('Trần Thị Kiểm 499'), 'and the person');
    await context.close();
  });

  // Buttons, fields and menu links of at least 24 × 24 px (WCAG 2.5.8; links inside text are exempt).
  async function targets(page, what) {
    const small = await page.evaluate(() => [...document.querySelectorAll('main button, main input:not([type=hidden]), main select, main summary, nav a, .top a, .top button')]
      .filter((e) => e.offsetParent !== null)
      .map((e) => { const r = e.getBoundingClientRect(); return { id: e.id || e.name || e.textContent.trim().slice(0, 20), w: r.width, h: r.height }; })
      .filter((t) => t.w < 24 || t.h < 24));
    check(small.length === 0, `${what}: targets under 24 px: ${JSON.stringify(small.slice(0, 5))}`);
  }

  scenario('phones at 390×844: a refused save shows a focused error summary at the top; form, meeting page and queue fit', async () => {
    const context = await browser.newContext({ ...vi, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await context.addInitScript({ content: axeSource });
    const page = await context.newPage();
    await signIn(page, 'vanthu.stc');
    const fits = async (what) => {
      const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      check(scroll <= inner, `${what}: ${scroll} px wide on a ${inner} px phone`);
    };
    await page.goto(`${base}/dang-ky/moi`);
    await fits('the request form');
    setStep('hints beside the time and place');
    const gap = await page.evaluate(() => document.querySelector('#conflict-hints').getBoundingClientRect().top
      - document.querySelector('#f-end').getBoundingClientRect().bottom);
    console.log(`    phone: conflict hints start ${Math.round(gap)} px below the end time`);
    check(gap >= 0 && gap < 900, `hints ${gap} px below the end time`);

    setStep('a refused save');
    await page.locator('#f-title').fill('Họp trên điện thoại (kiểm thử)');
    await page.locator('#f-day').fill(mondayInWeeks(9));
    await page.locator('#f-start').fill('10:00');
    await page.locator('#f-end').fill('09:00');
    await page.getByRole('button', { name: 'Lưu đăng ký' }).click();
    await page.locator('#error-summary').waitFor();
    const summary = await page.evaluate(() => {
      const s = document.getElementById('error-summary');
      const r = s.getBoundingClientRect();
      return { focused: document.activeElement === s, top: r.top, bottom: r.bottom, title: s.querySelector('h2').textContent, scrollY: window.scrollY };
    });
    check(summary.focused, 'the summary has the focus');
    check(/^Có [1-9]\d* lỗi/.test(summary.title), `summary: ${summary.title}`);
    check(summary.top >= 0 && summary.bottom <= 844, `the summary is on screen without scrolling: ${summary.top}–${summary.bottom}`);
    await fits('the refused form');
    await page.screenshot({ path: `${shots}/dang-ky-loi-390.png` });
    await page.locator('#error-summary a').first().click();
    check(await page.evaluate(() => document.activeElement.id) === 'f-end', 'the link goes to the field');
    const beside = await page.evaluate(() => document.querySelector('#f-end-error').getBoundingClientRect().top
      - document.querySelector('#f-end').getBoundingClientRect().bottom);
    check(beside >= 0 && beside < 80, `the error is beside its field (${beside} px)`);

    setStep('tap targets');
    await targets(page, 'the refused form');
    const violations = await axe(page);
    check(violations.length === 0, `axe on the refused form: ${violations.join('; ')}`);

    setStep('saved: the meeting page');
    await page.locator('#f-end').fill('11:00');
    await page.getByRole('button', { name: 'Lưu đăng ký' }).click();
    await page.waitForURL(/\/cuoc-hop\/\d+/);
    await fits('the meeting page');
    await targets(page, 'the meeting page');
    await page.screenshot({ path: `${shots}/cuoc-hop-390.png`, fullPage: true });
    await context.close();

    setStep('the queue');
    const staffContext = await browser.newContext({ ...vi, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const staff = await staffContext.newPage();
    await staff.goto(`${base}/dang-nhap`);
    await staff.getByLabel('Tên đăng nhập').fill('chuyenvien');
    await staff.getByLabel('Mật khẩu').fill(demoPassword);
    await staff.getByRole('button', { name: 'Đăng nhập' }).click();
    await staff.waitForURL(/\/viec-can-lam/);
    await staff.goto(`${base}/hang-doi`);
    const q = await staff.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    check(q.scroll <= q.inner, `the queue: ${q.scroll} px wide on a ${q.inner} px phone`);
    await targets(staff, 'the queue');
    await staff.screenshot({ path: `${shots}/hang-doi-390.png`, fullPage: true });
    await staffContext.close();
  });

  scenario('without script the pickers filter through the form: "Tìm" lists the matches, ticked ones stay chosen', async () => {
    const context = await browser.newContext({ ...vi, viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, 'vanthu.stc');
    await page.goto(`${base}/dang-ky/moi`);
    await page.locator('#f-title').fill('Họp không có script (kiểm thử bộ chọn)');
    await page.locator('#f-agencies').fill('so y te');
    await page.locator('.field-agencies').getByRole('button', { name: 'Tìm' }).click();
    const match = page.locator('.field-agencies .picker-matches input[type=checkbox]');
    await match.first().waitFor();
    check(await match.count() === 1, `«so y te» matches ${await match.count()}`);
    check(await page.locator('#f-title').inputValue() === 'Họp không có script (kiểm thử bộ chọn)', 'the title is kept');
    await match.first().check();
    await page.locator('#f-persons').fill('chu tich');
    await page.locator('.field-persons').getByRole('button', { name: 'Tìm' }).click();
    await page.locator('.field-persons .picker-matches input[type=checkbox]').first().waitFor();
    const chosen = page.locator('#f-agencies-chosen input[type=checkbox][name=agencies]:checked');
    check(await chosen.count() === 1, 'the agency ticked before stays chosen');
    await page.screenshot({ path: `${shots}/dang-ky-khong-script.png`, fullPage: true });
    await context.close();
  });

  scenario('documents attached in the creating form: a refused save asks for them again; the save keeps them', async () => {
    const page = await browser.newPage({ ...vi, viewport: { width: 1280, height: 900 } });
    await signIn(page, 'vanthu.stc');
    await page.goto(`${base}/dang-ky/moi`);
    const pdf = { name: 'Báo cáo kiểm thử.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% kiem thu\n%%EOF\n') };
    await page.locator('#f-title').fill('Họp có tài liệu (kiểm thử trình duyệt)');
    await page.locator('#f-kind').selectOption('hop');
    await page.locator('#f-day').fill(mondayInWeeks(10));
    await page.locator('#f-start').fill('14:00');
    await page.locator('#f-end').fill('13:00');
    await page.locator('#f-location').fill('Sở Tài chính');
    await page.locator('#f-documents').setInputFiles(pdf);
    await page.getByRole('button', { name: 'Lưu đăng ký' }).click();
    await page.locator('#f-documents-error').waitFor();
    check((await page.locator('#f-documents-error').innerText()).includes('chọn lại tệp'), 'asked to attach the files again');
    check(await page.locator('#f-title').inputValue() === 'Họp có tài liệu (kiểm thử trình duyệt)', 'the typed request is kept');
    await page.locator('#f-end').fill('15:00');
    await page.locator('#f-documents').setInputFiles(pdf);
    await page.getByRole('button', { name: 'Lưu đăng ký' }).click();
    await page.waitForURL(/\/cuoc-hop\/\d+\?done=luu/);
    check((await page.content()).includes('Báo cáo kiểm thử.pdf'), 'the document is on the meeting page');
    await page.screenshot({ path: `${shots}/dang-ky-tai-lieu.png`, fullPage: true });
    await page.close();
  });
}
