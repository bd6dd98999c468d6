// The lobby screen keeps itself fresh without a reload: every data-refresh seconds it fetches
// this page again and swaps in the rooms, so a failed request (the server restarting, the
// network gone) never replaces the screen with an error page. While it fails it keeps the last
// rooms on screen and retries with a growing wait (5 s, 10 s, 20 s … up to 5 min). The clock
// ticks on its own. There is no visible control on the TV: the key P (or the space bar)
// pauses and resumes the refresh (WCAG 2.2.1), announced in a status region.
(() => {
  const seconds = Number(document.body.dataset.refresh) || 60;
  const rooms = document.getElementById('lobby-rooms');
  const clock = document.getElementById('lobby-clock');
  const status = document.getElementById('lobby-status');
  const updated = document.getElementById('lobby-updated');
  if (!rooms) return;
  let paused = false;
  let failures = 0;
  let timer = null;
  let lastOk = null;

  const hm = (d) => String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
  // The office's time (UTC+7, no daylight saving) whatever the TV's own zone.
  const officeNow = () => new Date(Date.now() + (new Date().getTimezoneOffset() + 420) * 60000);
  const tick = () => { if (clock) clock.textContent = hm(officeNow()); };
  setInterval(tick, 1000);
  lastOk = hm(officeNow());

  const schedule = (wait) => {
    clearTimeout(timer);
    if (!paused) timer = setTimeout(refresh, wait * 1000);
  };

  async function refresh() {
    try {
      const res = await fetch(location.href, { cache: 'no-store', headers: { Accept: 'text/html' } });
      if (!res.ok) throw new Error(String(res.status));
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = doc.getElementById('lobby-rooms');
      if (!fresh) throw new Error('no rooms');
      rooms.className = fresh.className;
      rooms.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.importNode(n, true)));
      const date = doc.querySelector('.lobby-date');
      const mine = document.querySelector('.lobby-date');
      if (date && mine) mine.textContent = date.textContent;
      failures = 0;
      lastOk = hm(officeNow());
      if (updated) updated.hidden = true;
      schedule(seconds);
    } catch (e) {
      failures += 1;
      if (updated && status) {
        updated.textContent = status.dataset.offline + ' ' + lastOk;
        updated.hidden = false;
      }
      schedule(Math.min(300, 5 * 2 ** (failures - 1)));
    }
  }

  document.addEventListener('keydown', (event) => {
    if (event.key !== 'p' && event.key !== 'P' && event.key !== ' ') return;
    event.preventDefault();
    paused = !paused;
    if (status) status.textContent = paused ? status.dataset.paused : status.dataset.resumed;
    document.body.classList.toggle('paused', paused);
    if (paused) clearTimeout(timer); else schedule(seconds);
  });

  schedule(seconds);
})();
