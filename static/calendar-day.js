// The day view of rooms: the server draws the current-time line in the slot it falls in; every
// minute this fetches the page again and swaps in the timeline and the "now" label, so the
// line moves on and meetings booked meanwhile appear. Without script the page is complete, only
// not moving; a failed fetch leaves it as it is.
(() => {
  const table = document.getElementById('timeline');
  if (!table) return;
  setInterval(async () => {
    try {
      const res = await fetch(location.href, { cache: 'no-store', headers: { Accept: 'text/html' } });
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = doc.getElementById('timeline');
      if (!fresh) return;
      const wrap = table.parentElement;
      const left = wrap ? wrap.scrollLeft : 0;
      table.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.importNode(n, true)));
      if (wrap) wrap.scrollLeft = left;
      const label = document.getElementById('now-label');
      const freshLabel = doc.getElementById('now-label');
      if (label && freshLabel) label.replaceChildren(...Array.from(freshLabel.childNodes).map((n) => document.importNode(n, true)));
      else if (label) label.hidden = true;
    } catch (e) {
      // Keep what is shown; the next minute tries again.
    }
  }, 60000);
})();
