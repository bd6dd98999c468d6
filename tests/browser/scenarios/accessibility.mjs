// Accessibility of every page as each role sees it, in Vietnamese and English, at desktop and phone
// widths: axe-core (from npm, injected as an init script, which the page's CSP does not apply to)
// finds no serious or critical violation; on a phone no page scrolls sideways (wide tables scroll in
// their own box). Keyboard: the skip link works, focus is always visible and reaches the submit
// buttons of the sign-in and the decision forms. Print: the weekly schedule and the reports print
// without the page chrome. Every violation found (any impact) is written to
// ARTIFACTS/accessibility/violations.json; phone screenshots and PDFs go beside it.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const desktop = { width: 1280, height: 900 };
const phone = { width: 360, height: 740 };

export default ({ scenario, check, browser, base, adminPassword, demoPassword, shots, setStep }) => {
  const out = `${shots}/accessibility`;
  mkdirSync(out, { recursive: true });
  const found = [];
  const save = () => writeFileSync(`${out}/violations.json`, `${JSON.stringify(found, null, 2)}\n`);

  async function signIn(page, username, password) {
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/viec-can-lam/);
  }

  // The first link on `path` whose href matches `pattern`, as a path.
  async function firstLink(page, path, pattern) {
    await page.goto(`${base}${path}`);
    const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const href = hrefs.find((h) => pattern.test(h));
    check(href, `${path} links to ${pattern}`);
    return href;
  }

  async function axe(page) {
    return page.evaluate(async () => {
      const r = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        resultTypes: ['violations'],
      });
      return r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
        count: v.nodes.length,
      }));
    });
  }

  const file = (path) => path.replace(/^\//, '').replace(/[/?=&]+/g, '-') || 'root';

  // Every page of `pages` as `who` sees it: both languages, both widths.
  async function audit(who, signInAs, pages) {
    const serious = [];
    for (const lang of ['vi', 'en']) {
      const context = await browser.newContext({ locale: 'vi-VN', viewport: desktop });
      await context.addInitScript({ content: axeSource });
      const page = await context.newPage();
      if (signInAs) await signIn(page, ...signInAs);
      await page.goto(`${base}/ngon-ngu/${lang}?next=/dang-nhap`);
      const list = typeof pages === 'function' ? await pages(page) : pages;
      for (const entry of list) {
        // A page is a path, or [path, status] for a refusal page.
        const [path, status] = Array.isArray(entry) ? entry : [entry, 200];
        for (const [width, viewport] of [['desktop', desktop], ['phone', phone]]) {
          setStep(`${who} ${lang} ${width} ${path}`);
          await page.setViewportSize(viewport);
          const res = await page.goto(`${base}${path}`);
          check(res.status() === status, `${who}: ${path} answered ${res.status()}`);
          check(await page.locator('html').getAttribute('lang') === lang, `${path} in ${lang}`);
          for (const v of await axe(page)) {
            found.push({ who, lang, width, path, ...v });
            // Issue #18: nothing moderate, serious or critical (only 'minor' is reported, not failed).
            if (v.impact !== 'minor') {
              serious.push(`${path} (${lang}, ${width}): ${v.id} ×${v.count} ${v.nodes[0]?.target}`);
            }
          }
          if (width === 'phone') {
            const { scroll, inner } = await page.evaluate(() => ({
              scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
            }));
            if (scroll > inner) serious.push(`${path} (${lang}): ${scroll}px wide on a ${inner}px phone`);
            if (lang === 'vi') await page.screenshot({ path: `${out}/${who}-${file(path)}-phone.png`, fullPage: true });
          }
        }
      }
      await context.close();
    }
    save();
    check(serious.length === 0, `${serious.length} problems: ${serious.slice(0, 6).join('; ')}`);
  }

  const everyone = ['/viec-can-lam', '/tai-khoan', '/tai-khoan/mat-khau', '/dang-ky', '/lich-phong',
    '/lich-phong/ngay', '/lich-phong/thang', '/lich-cong-tac', '/man-hinh', '/lich-cua-toi', '/thong-bao'];
  const office = async (page) => [...everyone, '/hang-doi', '/lich-lanh-dao', '/lich-lanh-dao/thang', '/bao-cao',
    await firstLink(page, '/hang-doi', /^\/cuoc-hop\/\d+$/)];

  scenario('accessibility: the public pages (axe, phone width)', async () => {
    await audit('public', null, ['/dang-nhap', '/dang-nhap?da_dang_xuat=1', '/lich-cong-tac',
      '/lich-cong-tac?tuan=2026-W48', ['/lich-cong-tac?tuan=2026-W54', 422], '/man-hinh']);
  });

  scenario('accessibility: an agency clerk\'s pages (axe, phone width)', async () => {
    await audit('clerk', ['vanthu.stc', demoPassword], async (page) => [...everyone, '/dang-ky/moi',
      await firstLink(page, '/dang-ky', /^\/cuoc-hop\/\d+$/)]);
  });

  scenario('accessibility: office staff\'s pages (axe, phone width)', async () => {
    await audit('staff', ['chuyenvien', demoPassword], office);
  });

  scenario('accessibility: the approver\'s pages (axe, phone width)', async () => {
    await audit('approver', ['lanhdaovp', demoPassword], office);
  });

  scenario('accessibility: the administrator\'s pages (axe, phone width)', async () => {
    await audit('admin', ['admin', adminPassword], async (page) => {
      const pages = ['/viec-can-lam', '/tai-khoan', '/quan-tri/nhat-ky-dang-nhap', '/quan-tri/cai-dat',
        '/quan-tri/ngay-nghi', '/lich-cua-toi', '/quan-tri/thu-di'];
      for (const area of ['tai-khoan', 'don-vi', 'can-bo', 'phong-hop']) {
        pages.push(`/quan-tri/${area}`, `/quan-tri/${area}/moi`,
          await firstLink(page, `/quan-tri/${area}`, new RegExp(`^/quan-tri/${area}/\\d+$`)));
      }
      return pages;
    });
  });

  scenario('accessibility: refused forms say why beside the field, keep what was typed, pass axe', async () => {
    const context = await browser.newContext({ locale: 'vi-VN', viewport: phone });
    await context.addInitScript({ content: axeSource });
    const page = await context.newPage();
    const serious = async (what) => {
      const list = (await axe(page)).filter((v) => v.impact !== 'minor');
      found.push(...list.map((v) => ({ who: 'refused', lang: 'vi', width: 'phone', path: what, ...v })));
      check(list.length === 0, `${what}: ${list.map((v) => `${v.id} ${v.nodes[0]?.target}`).join('; ')}`);
    };
    setStep('refused: a wrong password');
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel('Tên đăng nhập').fill('lanhdaovp');
    await page.getByLabel('Mật khẩu').fill('sai mật khẩu');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('.error').first().waitFor();
    check(await page.getByLabel('Tên đăng nhập').inputValue() === 'lanhdaovp', 'the username typed is kept');
    await serious('/dang-nhap refused');
    await signIn(page, 'lanhdaovp', demoPassword);

    setStep('refused: a rejection with too long a reason');
    await page.goto(`${base}${await firstLink(page, '/hang-doi', /^\/cuoc-hop\/\d+$/)}`);
    const form = page.locator('form.decision', { has: page.getByRole('button', { name: 'Từ chối' }) });
    const reason = `Chưa đủ hồ sơ ${'x'.repeat(10000)}`;
    await form.getByLabel('Lý do').fill(reason);
    await form.getByRole('button', { name: 'Từ chối' }).click();
    await page.getByText('Nội dung quá dài (tối đa 10000 ký tự).').waitFor();
    const again = page.locator('form.decision', { has: page.getByRole('button', { name: 'Từ chối' }) });
    const field = again.getByLabel('Lý do');
    check(await field.inputValue() === reason, 'the reason typed is kept');
    check(await field.getAttribute('aria-invalid') === 'true', 'the field is marked invalid');
    const said = await field.getAttribute('aria-describedby');
    check(said && (await page.locator(`#${said}`).innerText()).includes('Nội dung quá dài'), 'the error describes the field');
    check(await again.locator('.error').count() === 1, 'the error stands in the refused form');
    await page.screenshot({ path: `${out}/decision-refused-phone.png`, fullPage: true });
    await serious('/cuoc-hop refused');

    setStep('refused: a report period that ends before it starts');
    const res = await page.goto(`${base}/bao-cao?from=2027-03-31&to=2027-03-01`);
    check(res.status() === 422, `a refused period answers ${res.status()}`);
    const to = page.locator('input[name=to]');
    check(await to.inputValue() === '2027-03-01' && await to.getAttribute('aria-invalid') === 'true', 'the period as typed, marked');
    check((await page.locator('#report-error').innerText()).includes('Ngày kết thúc phải từ ngày bắt đầu trở đi.'), 'why, beside it');
    await page.screenshot({ path: `${out}/bao-cao-refused-phone.png`, fullPage: true });
    await serious('/bao-cao refused');
    save();
    await context.close();
  });

  // The lobby screen's refresh, pause key and restarts: calendar_booking.mjs.

  // The focused element's own focus indicator: an outline or a box-shadow, as the browser draws it.
  async function focused(page) {
    return page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return {
        tag: el.tagName.toLowerCase(), type: el.getAttribute('type'), text: (el.innerText || el.value || '').trim(),
        name: el.getAttribute('name'), inMain: !!el.closest('main'),
        visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none',
        onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth,
      };
    });
  }

  // Tabs until `want` holds of the focused element, checking each stop shows its focus.
  async function tabTo(page, want, what, limit = 60) {
    for (let i = 0; i < limit; i += 1) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      check(f, `${what}: focus left the page after ${i + 1} tabs`);
      check(f.visible && f.onScreen, `${what}: focus on <${f.tag}> "${f.text}" type=${f.type} name=${f.name} is not visible`);
      if (want(f)) return f;
    }
    throw new Error(`${what}: not reached in ${limit} tabs`);
  }

  scenario('keyboard: skip link, visible focus, sign-in and the decision forms by Tab alone', async () => {
    for (const viewport of [desktop, phone]) {
      const page = await browser.newPage({ locale: 'vi-VN', viewport });
      setStep('keyboard: the skip link comes first and works');
      await page.goto(`${base}/dang-nhap`);
      await page.keyboard.press('Tab');
      const skip = await focused(page);
      check(skip && skip.text === 'Bỏ qua, đến nội dung chính' && skip.visible && skip.onScreen,
        `the first Tab shows the skip link (${JSON.stringify(skip)})`);
      await page.keyboard.press('Enter');
      // The jump to #main is a same-document navigation that completes a moment after the key.
      const landed = await page.waitForURL(/#main$/, { timeout: 5000 }).then(() => true, () => false);
      check(landed, `the skip link goes to the content (${page.url()})`);
      setStep('keyboard: sign in');
      const user = await tabTo(page, (f) => f.inMain && f.tag === 'input', 'after the skip link');
      check(user.name === 'username', `the next Tab after the skip link is the first field (${user.name})`);
      await page.keyboard.type('lanhdaovp');
      await tabTo(page, (f) => f.name === 'password', 'sign-in');
      await page.keyboard.type(demoPassword);
      await tabTo(page, (f) => f.tag === 'button' && f.text === 'Đăng nhập', 'sign-in');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/viec-can-lam/);

      setStep('keyboard: the queue leads to a meeting');
      await page.goto(`${base}/hang-doi`);
      await tabTo(page, (f) => f.inMain && f.tag === 'a', 'queue');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/cuoc-hop\/\d+/);
      setStep('keyboard: every decision on the meeting page');
      const decisions = await page.locator('form.decision button').allInnerTexts();
      check(decisions.length > 0, 'the approver has decisions to make');
      for (const label of decisions) {
        await tabTo(page, (f) => f.tag === 'button' && f.text === label, `decision ${label}`, 120);
      }
      if (viewport === phone) await page.screenshot({ path: `${shots}/accessibility/keyboard-decision-phone.png` });
      await page.close();
    }
  });

  scenario('print: the weekly schedule and the reports print without the page chrome', async () => {
    const context = await browser.newContext({ locale: 'vi-VN', viewport: desktop });
    const page = await context.newPage();
    await signIn(page, 'chuyenvien', demoPassword);
    for (const [path, name, hidden] of [
      ['/lich-cong-tac', 'lich-cong-tac', ['header.top', 'nav.menu', '.week-nav', '.skip']],
      ['/bao-cao', 'bao-cao', ['header.top', 'nav.menu', 'form.report-filter', '.report-presets']],
    ]) {
      setStep(`print ${path}`);
      await page.goto(`${base}${path}`);
      await page.emulateMedia({ media: 'print' });
      for (const sel of hidden) {
        check(await page.locator(sel).first().isHidden(), `${path}: ${sel} does not print`);
      }
      // The weekly schedule prints its official title (NĐ 30/2020) in place of the page's.
      check(await page.locator('main h1:visible, .official-title:visible').count() > 0, `${path}: the title prints`);
      // An A4 page at 96 dpi is about 718px wide inside its margins: nothing may be cut off.
      await page.setViewportSize({ width: 718, height: 1000 });
      const { scroll, inner } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
      }));
      check(scroll <= inner, `${path}: printed ${scroll}px wide on a ${inner}px page`);
      await page.screenshot({ path: `${out}/${name}-print.png`, fullPage: true });
      const pdf = await page.pdf({ path: `${out}/${name}.pdf`, format: 'A4', printBackground: true });
      check(pdf.subarray(0, 5).toString() === '%PDF-', `${path}: a PDF`);
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize(desktop);
    }
    await context.close();
  });
};
