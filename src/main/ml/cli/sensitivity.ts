import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { evaluationSplit } from '../data/dataset';
import { loadDataset } from '../data/load';
import { CONDITIONS } from '../evaluation/degrade';
import { scoreProbabilities } from '../evaluation/evaluate-model';
import { predictSavedModel } from '../evaluation/parallel-predict';
import { loadModel, temperatureFor } from '../models/model-io';
import { formatBackendReport, initBackend } from '../runtime/backend';
import { parseCommandLine, runCli } from '../../cli/run';

const USAGE = `Usage: npm run bench:sensitivity -- [--model DIR] [--data <folder|csv>] [--json FILE]
How much accuracy the model loses to each thing a camera and the app's framing do to a face: shifts,
scaling and turns of the crop, lower resolution, blur, JPEG, sensor noise and lighting, one at a
time, on every face of the test split, one pass a face (as the live view classifies). Prints a table
and ends with one JSON line.`;

await runCli(USAGE, async () => {
  const { values } = parseCommandLine({
    options: {
      model: { type: 'string', default: path.join('resources', 'models', 'default') },
      data: { type: 'string', default: path.join('..', 'shared', 'fer2013') },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  console.error(formatBackendReport(await initBackend()));
  const loaded = await loadModel(values.model);
  const { metadata } = loaded;
  const { faces } = evaluationSplit(await loadDataset(values.data));
  const rows = [];
  let stored = 0;
  for (const condition of CONDITIONS) {
    const probabilities = await predictSavedModel(values.model, loaded, condition.apply(faces.images, 2013), {
      testTimeFlip: false,
      testTimeShifts: false,
      blurSigma: metadata.input.blurSigma,
    });
    // Accuracy does not depend on the temperature; the live view's single-pass one is applied all the same.
    const { report } = scoreProbabilities(faces.labels, probabilities, {
      split: 'test',
      testTimeFlip: false,
      temperature: temperatureFor(metadata, { testTimeFlip: false }),
    });
    if (condition.group === 'none') stored = report.accuracy;
    const row = {
      group: condition.group,
      condition: condition.name,
      accuracy: Math.round(report.accuracy * 1000) / 1000,
      lost: Math.round((stored - report.accuracy) * 1000) / 1000,
      macroF1: Math.round(report.macroF1 * 1000) / 1000,
    };
    rows.push(row);
    console.log(
      `${row.group.padEnd(10)} ${row.condition.padEnd(48)} ${(row.accuracy * 100).toFixed(1)}%  ` +
        `(${row.lost >= 0 ? '-' : '+'}${Math.abs(row.lost * 100).toFixed(1)} points)`,
    );
  }
  const report = { bench: 'sensitivity', model: metadata.name, faces: faces.labels.length, rows };
  if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report));
});
