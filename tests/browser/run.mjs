// Browser scenarios against a running lichhop (LICHHOP_URL) with the demo data loaded, in
// Debian's headless Chromium driven by playwright-core. Screenshots go to ARTIFACTS
// (default artifacts/screenshots). Prints "N passed, M failed" and exits non-zero on failure.
import { chromium } from 'playwright-core';
import { mkdirSync, readdirSync } from 'node:fs';

const base = process.env.LICHHOP_URL;
const adminPassword = process.env.LICHHOP_ADMIN_PASSWORD;
const demoPassword = 'lichhop-demo-2026';
const shots = process.env.ARTIFACTS || 'artifacts/screenshots';
if (!base || !adminPassword) {
  console.error('set LICHHOP_URL and LICHHOP_ADMIN_PASSWORD');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

let step = '';
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
// The Monday n weeks from the office's week (Asia/Ho_Chi_Minh, UTC+7, no daylight saving): from
// 17:00 UTC the office is a day ahead, and on a Sunday evening in UTC already in the next week.
function mondayInWeeks(n) {
  const d = new Date(Date.now() + 7 * 3600 * 1000);
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
  await page.waitForURL(/\/viec-can-lam/);
  await page.goto(`${base}/tai-khoan`);
  check((await page.content()).includes('Quản trị hệ thống'), 'signed in as admin');
  await page.screenshot({ path: `${shots}/tai-khoan.png`, fullPage: true });
  await page.close();
});

scenario('a clerk registers on the form, fixes a refusal; the approver approves from the queue; the public schedule shows it', async () => {
  const week = mondayInWeeks(3);
  const title = `Hội nghị triển khai kế hoạch năm ${week.slice(0, 4)} (kiểm thử trình duyệt)`;
  const clerk = await browser.newPage({ ...vi, viewport: { width: 1280, height: 900 } });
  await clerk.goto(`${base}/dang-nhap`);
  await clerk.getByLabel('Tên đăng nhập').fill('vanthu.stc');
  await clerk.getByLabel('Mật khẩu').fill(demoPassword);
  await clerk.getByRole('button', { name: 'Đăng nhập' }).click();
  await clerk.waitForURL(/\/viec-can-lam/);
  step = 'await clerk.goto(`${base}/dang-ky/moi`);';
  await clerk.goto(`${base}/dang-ky/moi`);
  await clerk.locator('#f-title').fill(title);
  step = "await clerk.locator('#f-day').fill(";
  await clerk.locator('#f-day').fill(week);
  step = "await clerk.locator('#f-start').fi";
  await clerk.locator('#f-start').fill('08:00');
  await clerk.locator('#f-end').fill('07:00');
  step = "await clerk.locator('#f-room_id').sele";
  await clerk.locator('#f-room_id').selectOption({ index: 2 });
  step = "await clerk.getByLabel('Phạm vi công kha";
  await clerk.locator('#f-visibility').selectOption('public');
  // A leader chairs it, so it is a row of the leaders' schedule.
  await clerk.locator('#f-chair_id').selectOption({ index: 1 });
  await clerk.getByLabel('Gửi duyệt ngay').check();
  await clerk.getByRole('button', { name: 'Lưu đăng ký' }).click();
  await clerk.getByText('Giờ kết thúc phải sau giờ bắt đầu.').waitFor();
  check(await clerk.locator('#f-title').inputValue() === title, 'the form keeps what was typed');
  await clerk.screenshot({ path: `${shots}/dang-ky-loi.png`, fullPage: true });
  await clerk.locator('#f-end').fill('10:30');
  await clerk.getByRole('button', { name: 'Lưu đăng ký' }).click();
  await clerk.waitForURL(/\/cuoc-hop\/\d+/);
  check((await clerk.content()).includes('Chờ duyệt'), 'submitted for approval');
  const meetingUrl = clerk.url().split('?')[0];
  await clerk.screenshot({ path: `${shots}/cuoc-hop-cho-duyet.png`, fullPage: true });

  const approver = await browser.newPage({ ...vi, viewport: { width: 1280, height: 900 } });
  await approver.goto(`${base}/dang-nhap`);
  await approver.getByLabel('Tên đăng nhập').fill('lanhdaovp');
  await approver.getByLabel('Mật khẩu').fill(demoPassword);
  await approver.getByRole('button', { name: 'Đăng nhập' }).click();
  await approver.waitForURL(/\/viec-can-lam/);
  step = 'await approver.goto(`${base}/hang-doi`);';
  await approver.goto(`${base}/hang-doi`);
  await approver.getByText(title).waitFor();
  await approver.screenshot({ path: `${shots}/hang-doi.png`, fullPage: true });
  await approver.goto(meetingUrl);
  step = "await approver.getByRole('button', { nam";
  await approver.getByRole('button', { name: 'Duyệt', exact: true }).click();
  await approver.getByText(/^Đã duyệt cuộc họp #\d+ «/).waitFor();
  check((await approver.content()).includes('Đã duyệt'), 'approved');
  await approver.screenshot({ path: `${shots}/cuoc-hop-da-duyet.png`, fullPage: true });
  step = 'the approver publishes the week from its preview';
  await approver.goto(`${base}/lich-cong-tac?tuan=${week}&xem-truoc=1`);
  await approver.getByText(title).waitFor();
  await approver.getByRole('button', { name: /^Phát hành/ }).click();
  await approver.waitForURL(/ban=\d+/);

  const pub = await browser.newPage({ ...vi, viewport: { width: 1280, height: 900 } });
  await pub.goto(`${base}/lich-cong-tac?tuan=${week}`);
  await pub.getByText(title).waitFor();
  const row = pub.locator('tr', { hasText: title });
  check((await row.innerText()).includes('8h00'), 'time written the schedule way');
  await pub.screenshot({ path: `${shots}/lich-cong-tac.png`, fullPage: true });
  await pub.goto(`${base}/man-hinh`);
  await pub.screenshot({ path: `${shots}/man-hinh.png`, fullPage: true });
  for (const p of [clerk, approver, pub]) await p.close();
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
  check(await page.locator('table.week').count() === 1 || (await page.content()).includes('chưa phát hành'),
    'the schedule table, or the note that the week is not published');
  await page.screenshot({ path: `${shots}/lich-cong-tac-embed.png`, fullPage: true });
  await page.close();
});

// More scenarios, one file per area of the product: tests/browser/scenarios/*.mjs, each exporting
// a default function that registers its scenarios with what it is given here.
const more = new URL('./scenarios/', import.meta.url);
for (const file of readdirSync(more).filter((f) => f.endsWith('.mjs')).sort()) {
  const mod = await import(new URL(file, more));
  mod.default({
    scenario, check, api, token, mondayInWeeks, browser, base, adminPassword, demoPassword, shots, vi,
    setStep: (s) => { step = s; },
  });
}

let passed = 0;
let failed = 0;
// SCENARIOS=<words>: only the scenarios whose name contains them (to rerun one area).
const only = process.env.SCENARIOS;
for (const { name, fn } of scenarios) {
  if (only && !name.includes(only)) continue;
  try {
    await fn();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL ${name}\n     ${e.message.split('\n')[0]} (at: ${step})`);
  }
}
await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
