// citeproc-js as the oracle: read a job on stdin, print what citeproc-js makes of it.
//
// Job: {style, locale, items: [CSL-JSON], clusters: [[{id, locator, label, prefix,
// "suppress-author", "author-only"}]], bibliography (optional; false: clusters only)}. Every
// item is registered first, so disambiguation runs over the whole library, as the site's does.
// Output: {bibliography: [{id, text, html}], clusters: [text], items: {id: item as read}}.
// A batch, {jobs: [job, ...]}, is answered with {answers: [output, ...]}: one Node.js start
// for many libraries, each job still on engines of its own.
"use strict";
const fs = require("fs");
const CSL = require("citeproc");

function answer(job) {
  const byId = Object.fromEntries(job.items.map((item) => [item.id, item]));
  const sys = {
    retrieveLocale: () => fs.readFileSync(job.locale, "utf-8"),
    retrieveItem: (id) => byId[id],
  };

  function engine(format) {
    const made = new CSL.Engine(sys, fs.readFileSync(job.style, "utf-8"));
    made.setOutputFormat(format);
    made.updateItems(job.items.map((item) => item.id));
    return made;
  }

  function bibliography() {
    const html = engine("html").makeBibliography();
    const text = engine("text").makeBibliography();
    return html[0].entry_ids.map((ids, index) => ({
      id: ids[0],
      html: html[1][index].trim(),
      text: text[1][index].trim(),
    }));
  }

  // Each cluster is processed in turn, as a word processor would; a later cluster can change
  // an earlier one (disambiguation), so the final text of each is kept from the updates.
  const text = engine("text");
  const clusters = [];
  const placed = [];
  job.clusters.forEach((items, index) => {
    const citation = {
      citationID: `c${index}`,
      citationItems: items,
      properties: { noteIndex: 0 },
    };
    const [, updates] = text.processCitationCluster(citation, placed.slice(), []);
    placed.push([citation.citationID, 0]);
    for (const [position, rendered] of updates) {
      clusters[position] = rendered;
    }
  });
  const items = {};
  for (const id of Object.keys(byId)) {
    items[id] = text.retrieveItem(id);
  }
  // "bibliography": false skips the reference list (two more engines) when only the
  // citations are asked for.
  return { bibliography: job.bibliography === false ? [] : bibliography(), clusters, items };
}

const input = JSON.parse(fs.readFileSync(0, "utf-8"));
const output = input.jobs ? { answers: input.jobs.map(answer) } : answer(input);
process.stdout.write(JSON.stringify(output));
