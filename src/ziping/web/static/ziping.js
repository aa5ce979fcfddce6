// `ziping serve` in the browser: live progress of checking jobs, select-all, dropping files on a form.
// Served as a file (the Content-Security-Policy allows no inline script); the pages work without it.
"use strict";

function pollJob(element) {
  const id = element.dataset.job;
  const bar = element.querySelector("progress");
  const tick = async () => {
    let view;
    try {
      const response = await fetch(`/jobs/${encodeURIComponent(id)}.json`, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      view = await response.json();
    } catch (error) {
      setTimeout(tick, 2000);
      return;
    }
    if (bar) bar.value = view.percent;
    const text = element.querySelector("#job-text");
    if (text && view.state === "running") {
      // The page's own words (data-progress, data-rate, data-eta), filled in as the job goes.
      const fill = (pattern, values) => pattern.replace(/\{(\w+)\}/g, (_, key) => values[key]);
      const words = element.dataset;
      text.textContent = fill(words.progress, { done: view.done_files, files: view.files, forms: view.done_forms });
      const rate = element.querySelector("#job-rate");
      if (rate) {
        rate.textContent = fill(words.rate, { rate: view.forms_per_second.toFixed(1) }) +
          (view.eta_seconds !== null ? " · " + fill(words.eta, { eta: view.eta_seconds }) : "");
      }
    }
    if (view.state === "done" || view.state === "failed") {
      // The page drawn by the server says what the job found, in the reader's language.
      if (element.id === "job" && element.dataset.state !== view.state) location.reload();
      return;
    }
    setTimeout(tick, 500);
  };
  tick();
}

function selectAll(box) {
  box.addEventListener("change", () => {
    for (const row of document.querySelectorAll('input[name="form_id"][form="bulk"]')) row.checked = box.checked;
  });
}

function dropZone(form) {
  const input = form.querySelector('input[type="file"]');
  for (const type of ["dragenter", "dragover"]) {
    form.addEventListener(type, (event) => { event.preventDefault(); form.classList.add("over"); });
  }
  form.addEventListener("dragleave", () => form.classList.remove("over"));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    form.classList.remove("over");
    if (input && event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      form.requestSubmit();
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  for (const element of document.querySelectorAll("[data-job]")) pollJob(element);
  const all = document.getElementById("select-all");
  if (all) selectAll(all);
  for (const form of document.querySelectorAll("form.dropzone")) dropZone(form);
});
