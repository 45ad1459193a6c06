/* The Atlas page's picker (docs/atlas.md; the form is written by hooks/atlas.py).

   Reads the site's own records (atlas/data/index.json, then one JSON file per column, by relative URL: no other
   host), and answers for the chosen cell: each layer's label, the same cell on every column, the command that
   measures it again. The choice lives in the URL hash (#call=fit&style=Sequential&front=nothing&layer=all&column=
   tf2.21-keras3.15), so a cell can be linked. Works with or without Material's instant navigation. */
(() => {
  "use strict"

  const AXES = ["call", "style", "front", "layer", "column"]
  const esc = text => String(text).replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)

  // the hash: readable (commas, parentheses and spaces as "+" stay), one value per axis
  const encode = value => encodeURIComponent(value).replace(/%20/g, "+").replace(/%2C/g, ",")
  const decode = value => { try { return decodeURIComponent(value.replace(/\+/g, " ")) } catch { return null } }
  const fromHash = () => {
    const found = {}
    const hash = location.hash.slice(1)
    if (!hash.includes("=")) return found  // a heading's anchor (#reproduce), not a cell
    for (const part of hash.split("&")) {
      const at = part.indexOf("=")
      if (at > 0) found[part.slice(0, at)] = decode(part.slice(at + 1))
    }
    return found
  }

  async function load(root) {
    const base = new URL(root.dataset.index, location.href)
    const get = async url => {
      const response = await fetch(url)
      if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`)
      return response.json()
    }
    const index = await get(base)
    const records = await Promise.all(index.columns.map(c => get(new URL(c.file, base))))
    return { index, records: Object.fromEntries(records.map(r => [r.column, r])) }
  }

  function mount(root) {
    if (root.dataset.mounted) return
    root.dataset.mounted = "1"
    const form = root.querySelector("#atlas-form")
    const status = root.querySelector("#atlas-status")
    const result = root.querySelector("#atlas-result")
    const select = Object.fromEntries(AXES.map(a => [a, form.querySelector(`#atlas-${a}`)]))

    load(root).then(({ index, records }) => {
      const columns = index.columns
      const byName = Object.fromEntries(columns.map(c => [c.column, c]))
      const layerName = key => index.layers[key] || key
      const layerShort = key => (index.layers_short || {})[key] || layerName(key)

      const choice = () => Object.fromEntries(AXES.map(a => [a, select[a].value]))
      const layersOf = (record, chosen) =>
        record.axes.layer.filter(l => chosen.layer === "all" || l === chosen.layer)
      const cellOf = (record, chosen) => record.cells[`${chosen.call}|${chosen.style}|${chosen.front}`]

      // a cell of one column, as words: labels (one per layer), an error, or not measured
      const labels = (record, chosen) => {
        const cell = cellOf(record, chosen)
        if (!cell) return { kind: "absent" }
        if ("error" in cell) return { kind: "error", error: cell.error }
        return { kind: "labels", labels: Object.fromEntries(layersOf(record, chosen).map(l => [l, cell[l]])) }
      }

      const scrollTable = (caption, head, rows) => {
        const region = `<div class="md-typeset__scrollwrap atlas-scroll" role="region" aria-label="${esc(caption)}">`
        return `${region}<div class="md-typeset__table"><table>`
          + `<thead><tr>${head.map(h => `<th scope="col">${h}</th>`).join("")}</tr></thead>`
          + `<tbody>${rows.join("")}</tbody></table></div></div>`
      }

      // a code block with Material's copy button (its clipboard handler listens on the whole document)
      const codeBlock = (id, text) => `<div class="highlight atlas-code"><pre id="${id}"><span></span>`
        + `<nav class="md-code__nav"><button class="md-code__button" title="Copy to clipboard"`
        + ` data-clipboard-target="#${id} > code" data-md-type="copy"></button></nav>`
        + `<code>${esc(text)}</code></pre></div>`

      function answer(chosen) {
        const column = byName[chosen.column]
        const record = records[chosen.column]
        const here = labels(record, chosen)
        const where = `<code>${esc(chosen.call)}</code>, ${esc(chosen.style)}, `
          + (chosen.front === "nothing" ? "nothing in front" : `<code>${esc(chosen.front)}</code> in front`)
        const out = [`<p class="atlas-where">${where}, on <strong>${esc(column.title)}</strong>:</p>`]

        if (here.kind === "absent") {
          const why = column.grid === "pairwise"
            ? ": its record is a covering subset (every pair of axis values at least once), and this cell is not in it"
            : ""
          const others = columns.length > 1 ? " The table below shows the columns that measured it." : ""
          out.push(`<p>Not measured on this column${why}.${others}</p>`)
        } else if (here.kind === "error") {
          out.push(`<p>This cell raised: <code>${esc(here.error)}</code></p>`)
        } else {
          out.push(`<dl class="atlas-answer">${Object.entries(here.labels).map(([layer, label]) =>
            `<dt>${esc(layerName(layer))}</dt><dd><strong>${esc(label)}</strong>: ${esc(index.labels[label] || "")}</dd>`
          ).join("")}</dl>`)
        }

        // the same cell on every column, the chosen one marked; a label that differs from the chosen column's is bold
        const shown = columns.filter(c => records[c.column])
        const layers = chosen.layer === "all" ? index.axes.layer : [chosen.layer]
        const changed = []
        const rows = shown.map(c => {
          const there = labels(records[c.column], chosen)
          const mine = c.column === chosen.column
          let cells, verdict
          if (there.kind === "labels") {
            const differs = here.kind === "labels"
              ? layers.filter(l => l in there.labels && l in here.labels && there.labels[l] !== here.labels[l]) : []
            cells = layers.map(l => {
              const text = esc(there.labels[l] ?? "not observed")
              return `<td>${differs.includes(l) ? `<strong>${text}</strong>` : text}</td>`
            })
            verdict = mine ? "chosen"
              : here.kind !== "labels" ? "measured"
              : differs.length ? `differs: ${differs.map(l => esc(layerName(l))).join(", ")}` : "same"
            if (!mine && differs.length) changed.push(`${esc(c.short)}: ${differs.map(l => esc(layerName(l))).join(", ")}`)
          } else {
            const text = there.kind === "error" ? `raised: <code>${esc(there.error)}</code>` : "not measured"
            cells = [`<td colspan="${layers.length}">${text}</td>`]
            verdict = mine ? "chosen" : there.kind === "error" ? "raised" : "not measured"
            if (!mine && there.kind === "error" && here.kind === "labels") changed.push(`${esc(c.short)}: raised`)
          }
          const name = mine ? `<strong>${esc(c.title)}</strong>` : esc(c.title)
          return `<tr><th scope="row">${name}</th>${cells.join("")}<td>${verdict}</td></tr>`
        })
        out.push(`<h3 id="atlas-every-column">The same cell on every column</h3>`)
        if (shown.length < 2) {
          out.push(`<p>Only this column is recorded so far: there is nothing to compare it with yet.</p>`)
        } else if (here.kind !== "labels") {
          out.push(`<p>Compare the columns that measured it:</p>`)
        } else {
          out.push(changed.length
            ? `<p>Differs from ${esc(column.short)} on: ${changed.join("; ")}. Labels that differ are in bold.</p>`
            : `<p>Every other column that measured it agrees with ${esc(column.short)}.</p>`)
        }
        const head = ["Column", ...layers.map(l => esc(layerShort(l))), "Compared"]
        if (shown.length > 1) out.push(scrollTable(`The cell ${chosen.call}, ${chosen.style}, ${chosen.front} on every column`, head, rows))

        const command = `${column.command} --call "${chosen.call}" --style "${chosen.style}" --front "${chosen.front}"`
        out.push(`<h3 id="atlas-reproduce">Reproduce it</h3>`)
        out.push(`<p>Save <a href="#reproduce">the script</a> and <code>grid.py</code>, from their ${esc(column.tab)} tabs, `
          + `in one folder: the command measures the cell again `
          + `on the versions installed where you run it${column.install ? ", these for this column:" : ":"}</p>`)
        if (column.install) out.push(codeBlock("atlas-install", column.install))
        out.push(codeBlock("atlas-command", command))
        return out.join("")
      }

      const scrollable = () => {
        result.querySelectorAll(".atlas-scroll").forEach(el => {
          const mark = () => el.scrollWidth > el.clientWidth ? el.setAttribute("tabindex", "0") : el.removeAttribute("tabindex")
          mark()
          new ResizeObserver(mark).observe(el)
        })
      }

      const render = () => {
        const chosen = choice()
        result.innerHTML = answer(chosen)
        scrollable()
        root.dataset.cell = AXES.map(a => chosen[a]).join("|")  // for tests: what is shown
      }

      const apply = wanted => {
        const unknown = []
        for (const axis of AXES) {
          const value = wanted[axis]
          if (value == null) continue
          if ([...select[axis].options].some(o => o.value === value)) select[axis].value = value
          else unknown.push(`${axis}=${value}`)
        }
        return unknown
      }

      const subsets = columns.filter(c => c.grid === "pairwise").length
      const summary = columns.length === 1
        ? `Measured on 1 column${subsets ? ", a covering subset" : ""}.`
        : `Measured on ${columns.length} columns${subsets ? `, ${subsets} of them a covering subset` : ""}.`
      const fromLink = () => {
        const unknown = apply(fromHash())
        status.textContent = unknown.length
          ? `${summary} The link names values this page does not know (${unknown.join(", ")}): `
            + "the lists keep their current choice for those."
          : summary
        render()
      }

      form.addEventListener("submit", event => event.preventDefault())
      form.addEventListener("change", () => {
        const chosen = choice()
        history.replaceState(null, "", "#" + AXES.map(a => `${a}=${encode(chosen[a])}`).join("&"))
        status.textContent = summary
        render()
      })
      onHash = fromLink
      form.hidden = false
      fromLink()
    }).catch(error => {
      status.textContent = `The atlas's records could not be loaded (${error.message}). `
        + "They are JSON files next to this page; reload it, or open them directly."
    })
  }

  let onHash = null  // the mounted picker's reader of a pasted or followed link
  addEventListener("hashchange", () => { if (onHash && location.hash.includes("=")) onHash() })

  const start = () => {
    const root = document.getElementById("atlas")
    if (root && root.dataset.index) mount(root)
  }
  // Material re-mounts content on each page view with instant navigation on; on a plain load, document$ fires once
  if (typeof document$ !== "undefined") document$.subscribe(start)
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start)
  else start()
})()
