// Browser scenarios against a running lichhop (LICHHOP_URL) with the demo data loaded, in
// Debian's headless Chromium driven by playwright-core. Screenshots go to ARTIFACTS
// (default artifacts/screenshots). Prints "N passed, M failed" and exits non-zero on failure.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const base = process.env.LICHHOP_URL;
const adminPassword = process.env.LICHHOP_ADMIN_PASSWORD;
const demoPassword = 'lichhop-demo-2026';
const shots = process.env.ARTIFACTS || 'artifacts/screenshots';
if (!base || !adminPassword) {
  console.error('set LICHHOP_URL and LICHHOP_ADMIN_PASSWORD');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

function check(cond, what) {
  if (!cond) throw new Error(what);
}

async function api(method, path, token, body) {
  const res = await fetch(base + path, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function token(username, password) {
  const r = await api('POST', '/api/v1/tokens', null, { username, password, name: 'browser tests' });
  check(r.status === 201, `token for ${username}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.token;
}

// A Monday three weeks ahead, so the demo's meetings leave it free.
function mondayInWeeks(n) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + 7 * n - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });

// A Vietnamese office's browsers ask for Vietnamese (Accept-Language is honoured on a first visit).
const vi = { locale: 'vi-VN' };

scenario('sign-in refuses a wrong password beside the form, then admits the admin', async () => {
  const page = await browser.newPage(vi);
  await page.goto(`${base}/dang-nhap`);
  check((await page.locator('html').getAttribute('lang')) === 'vi', 'Vietnamese by default');
  await page.getByLabel('Tên đăng nhập').fill('admin');
  await page.getByLabel('Mật khẩu').fill('mật khẩu sai hoàn toàn');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('.error').first().waitFor();
  check(await page.getByLabel('Tên đăng nhập').inputValue() === 'admin', 'the form keeps what was typed');
  await page.screenshot({ path: `${shots}/dang-nhap-loi.png`, fullPage: true });
  await page.getByLabel('Mật khẩu').fill(adminPassword);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(/\/tai-khoan/);
  check((await page.content()).includes('Quản trị hệ thống'), 'signed in as admin');
  await page.screenshot({ path: `${shots}/tai-khoan.png`, fullPage: true });
  await page.close();
});

scenario('a request registered and approved shows on the public weekly schedule', async () => {
  const clerk = await token('vanthu.stc', demoPassword);
  const approver = await token('lanhdaovp', demoPassword);
  const rooms = await api('GET', '/api/v1/rooms', clerk);
  const week = mondayInWeeks(3);
  const title = `Hội nghị triển khai kế hoạch năm ${week.slice(0, 4)} (kiểm thử trình duyệt)`;
  const created = await api('POST', '/api/v1/meetings', clerk, {
    title, starts_at: `${week}T08:00`, ends_at: `${week}T10:30`, room_id: rooms.json[1].id,
    visibility: 'public', submit: true, note: '(Giấy mời riêng)',
  });
  check(created.status === 201, `register: ${created.status} ${JSON.stringify(created.json)}`);
  const approved = await api('POST', `/api/v1/meetings/${created.json.id}/approve`, approver);
  check(approved.status === 200, `approve: ${approved.status} ${JSON.stringify(approved.json)}`);
  const page = await browser.newPage({ ...vi, viewport: { width: 1280, height: 900 } });
  await page.goto(`${base}/lich-cong-tac?tuan=${week}`);
  await page.getByText(title).waitFor();
  const row = page.locator('tr', { hasText: title });
  check((await row.innerText()).includes('8h00'), 'time written the schedule way');
  check(await page.getByRole('rowgroup').count() >= 7 || (await page.content()).includes('Thứ Hai'), 'days as rows');
  await page.screenshot({ path: `${shots}/lich-cong-tac.png`, fullPage: true });
  await page.close();
});

scenario('the English switch works and is remembered', async () => {
  const context = await browser.newContext(vi);
  const page = await context.newPage();
  await page.goto(`${base}/lich-cong-tac`);
  check((await page.locator('html').getAttribute('lang')) === 'vi', 'starts in Vietnamese');
  await page.getByRole('link', { name: 'English' }).click();
  await page.getByText('Weekly work schedule').first().waitFor();
  check((await page.locator('html').getAttribute('lang')) === 'en', 'page in English');
  await page.goto(`${base}/dang-nhap`);
  check((await page.content()).includes('Username'), 'the choice is remembered on the next page');
  await page.screenshot({ path: `${shots}/sign-in-en.png`, fullPage: true });
  await context.close();
});

scenario('on a phone the schedule has no horizontal page scroll', async () => {
  const page = await browser.newPage({ ...vi, viewport: { width: 375, height: 740 }, isMobile: true });
  await page.goto(`${base}/lich-cong-tac?tuan=${mondayInWeeks(3)}`);
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, width: window.innerWidth,
  }));
  check(scroll <= width, `page is ${scroll}px wide in a ${width}px viewport`);
  await page.screenshot({ path: `${shots}/lich-cong-tac-phone.png`, fullPage: true });
  await page.goto(`${base}/dang-nhap`);
  const signIn = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  check(signIn, 'sign-in page fits a phone');
  await page.close();
});

scenario('the portal embed has no page chrome', async () => {
  const page = await browser.newPage(vi);
  await page.goto(`${base}/lich-cong-tac?embed=1`);
  check(await page.locator('header.top').count() === 0, 'no header in the embed');
  check(await page.locator('table.week').count() === 1, 'the schedule table is there');
  await page.screenshot({ path: `${shots}/lich-cong-tac-embed.png`, fullPage: true });
  await page.close();
});

let passed = 0;
let failed = 0;
for (const { name, fn } of scenarios) {
  try {
    await fn();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL ${name}\n     ${e.message.split('\n')[0]}`);
  }
}
await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
