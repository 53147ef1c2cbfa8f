// trainplan's page: edits checked as typed, jobs started and polled. No library, no build step.
"use strict";

const WORDS = JSON.parse(document.body.dataset.words || "{}");
const POLL_MS = 400;

async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify(body),
  });
  return [response.status, await response.json()];
}

function showErrors(errors) {
  document.querySelectorAll("[data-error-for]").forEach((span) => {
    const found = errors[span.dataset.errorFor];
    span.textContent = found ? found.join(" ") : "";
  });
  const known = new Set([...document.querySelectorAll("[data-error-for]")]
    .map((s) => s.dataset.errorFor));
  const general = Object.entries(errors).filter(([key]) => !known.has(key))
    .flatMap(([, messages]) => messages);
  const box = document.getElementById("general-errors");
  if (box) {
    box.replaceChildren(...general.map((text) => {
      const p = document.createElement("p");
      p.className = "error";
      p.textContent = text;
      return p;
    }));
  }
}

async function sendEdit(key, value, input) {
  const [status, answer] = await postJSON("/edit", {key, value});
  if (status !== 200) {
    showErrors({[key]: [answer.error || String(status)]});
    return;
  }
  showErrors(answer.errors);
  document.getElementById("plan-table").innerHTML = answer.totals;
  document.getElementById("edit-count").textContent = answer.edits;
  if (input) {
    input.classList.add("changed");
  }
}

const timers = new Map();
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!input.dataset || !input.dataset.key) {
    return;
  }
  clearTimeout(timers.get(input));
  timers.set(input, setTimeout(() => sendEdit(input.dataset.key, input.value, input), 250));
});

async function changeRows(form, action) {
  const key = form.dataset.key;
  const [status, answer] = await postJSON("/rows", {key, id: form.elements.id.value, action});
  if (status === 200) {
    window.location.reload();  // the tables' shape changed: draw them again
  } else {
    showErrors(answer.errors || {[key]: [answer.error]});
  }
}

function setStatus(target, text) {
  const status = document.getElementById(`${target}-status`);
  if (status) {
    status.textContent = text;
  }
}

async function poll(jobId, target) {
  const response = await fetch(`/jobs/${jobId}`);
  const answer = await response.json();
  if (answer.state === "queued" || answer.state === "running") {
    setStatus(target, answer.words);
    setTimeout(() => poll(jobId, target), POLL_MS);
    return;
  }
  setStatus(target, answer.words || "");
  document.getElementById(target).innerHTML = answer.html || "";
  document.getElementById(target).dataset.state = answer.state;
}

async function startJob(url, body, target) {
  setStatus(target, WORDS.queued || "…");
  document.getElementById(target).dataset.state = "queued";
  const response = await fetch(url, {method: "POST", body});
  const answer = await response.json();
  if (response.status !== 200) {
    setStatus(target, answer.error || String(response.status));
    document.getElementById(target).dataset.state = "refused";
    if (answer.errors) {
      showErrors(answer.errors);
    }
    return;
  }
  poll(answer.job, target);
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.classList.contains("rows")) {
    event.preventDefault();
    changeRows(form, event.submitter ? event.submitter.value : "add");
  } else if (form.id === "any-key") {
    event.preventDefault();
    sendEdit(form.elements.key.value.trim(), form.elements.value.value.trim(), null);
  } else if (form.dataset.job) {
    event.preventDefault();
    startJob(form.dataset.job, new FormData(form), form.dataset.target);
  }
});

document.addEventListener("click", (event) => {
  const button = event.target;
  if (button.tagName === "BUTTON" && button.dataset.job && !button.form) {
    startJob(button.dataset.job, new FormData(), button.dataset.target);
  }
});

document.addEventListener("change", (event) => {
  if (event.target.id === "sweep-key") {
    const option = event.target.selectedOptions[0];
    document.getElementById("sweep-values").value = option.dataset.values || "";
  }
});

document.addEventListener("input", (event) => {
  if (event.target.id !== "sweep-slider") {
    return;
  }
  const rows = document.querySelectorAll("#sweep-table tbody tr");
  rows.forEach((row) => row.classList.toggle("picked", row.dataset.index === event.target.value));
  const picked = rows[Number(event.target.value)];
  document.getElementById("sweep-pick").textContent =
    picked ? [...picked.children].map((cell) => cell.textContent).join(" · ") : "";
});

// The report sits in a frame of the page's origin: make the frame as tall as the report.
document.addEventListener("load", (event) => {
  const frame = event.target;
  if (frame.tagName === "IFRAME" && frame.contentDocument) {
    frame.style.height = `${frame.contentDocument.documentElement.scrollHeight + 24}px`;
  }
}, true);
