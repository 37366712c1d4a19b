// Live progress of a batch: reads /batches/ID/status every second and updates the bar; the page
// reloads itself when the batch ends, to show its downloads. Text goes in with textContent only.
(function () {
  "use strict";
  const box = document.querySelector("[data-batch-status]");
  if (!box || box.dataset.finished === "yes") { return; }
  const url = box.dataset.batchStatus;
  const bar = box.querySelector("progress");
  const done = box.querySelector(".done");
  const total = box.querySelector(".total");
  const percent = box.querySelector(".percent");
  const failures = box.querySelector(".failures");
  const labels = { queued: "Đang chờ bắt đầu", running: "Đang chạy", done: "Đã xong",
                   failed: "Không chạy được", interrupted: "Bị ngắt" };
  const state = box.querySelector(".batch-state");

  function show(data) {
    bar.max = Math.max(data.total, 1);
    bar.value = data.done;
    done.textContent = String(data.done);
    total.textContent = data.total ? String(data.total) : "…";
    percent.textContent = String(data.percent);
    state.textContent = labels[data.status] || data.status;
    state.className = "batch-state state-" + data.status;
    if (data.failures.length) {
      const list = failures.querySelector("ul");
      list.replaceChildren(...data.failures.map(function (f) {
        const item = document.createElement("li");
        const name = document.createElement("strong");
        name.textContent = f.name;
        item.append(name, ": " + f.reason);
        return item;
      }));
      failures.hidden = false;
    }
  }

  async function poll() {
    try {
      const answer = await fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } });
      if (answer.ok) {
        const data = await answer.json();
        show(data);
        if (data.finished) { window.location.reload(); return; }
      }
    } catch (error) { /* the server restarts or the network drops: try again */ }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 500);
}());
