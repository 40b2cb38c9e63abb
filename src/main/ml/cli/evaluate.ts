import { writeFile } from 'node:fs/promises';
import { evaluationSplit, formatReport, SPLITS, type SplitName } from '../data/dataset';
import { loadDataset } from '../data/load';
import { formatEvaluation } from '../evaluation/metrics';
import { evaluateModel, fitCalibration, scoreProbabilities } from '../evaluation/evaluate-model';
import { neutralReference } from '../evaluation/neutral-reference';
import { modelViews, temperatureFor, writeMetadata } from '../models/model-folder';
import { EMOTIONS } from '@shared/emotions';
import { loadModel } from '../models/model-io';
import { formatBackendReport, initBackend } from '../runtime/backend';
import { splitLabel, viewsLabel } from '@shared/training';
import { parseCommandLine, runCli, UsageError } from '../../cli/run';

const USAGE = `Usage: npm run evaluate -- --model <model folder> --data <folder|fer2013.csv> [options]
  --split NAME   train, test or privateTest (default: test; a folder of class folders: all of it)
  --tta          average each face with its mirror image (default: the views of the model's stored
                 evaluation, else its recipe's)
  --no-tta       never average with the mirror image
  --tta-shifts   average ten views: the face and its mirror image, each also shifted 2 px up, down,
                 left and right (five times the work of --tta)
  --json FILE    also write the report as JSON (with the files or rows skipped)
  --save-evaluation  fit the model's temperatures (single, mirrored, ten views: lowest negative
                 log-likelihood) on this split and store them, with this report, in its
                 metadata.json, as training does at its end; honest only on the split the model
                 was validated on, never one it is later tested on
  --save-reference  store the model's neutral reference (its mean output on the split's neutral
                 faces, single predictions) in its metadata.json, for neutral-baseline calibration`;

await runCli(USAGE, async () => {
  const { values } = parseCommandLine({
    options: {
      model: { type: 'string' },
      data: { type: 'string' },
      split: { type: 'string' },
      tta: { type: 'boolean' },
      'no-tta': { type: 'boolean' },
      'tta-shifts': { type: 'boolean', default: false },
      'save-evaluation': { type: 'boolean', default: false },
      json: { type: 'string' },
      'save-reference': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!values.model) throw new UsageError('--model is required');
  if (!values.data) throw new UsageError('--data is required');
  if (values.split !== undefined && !(SPLITS as readonly string[]).includes(values.split))
    throw new UsageError(`--split must be one of ${SPLITS.join(', ')}`);
  const backend = await initBackend();
  console.error(formatBackendReport(backend));
  const loaded = await loadModel(values.model);
  const { metadata } = loaded;
  const dataset = await loadDataset(values.data);
  // As train does: an accuracy over fewer images than the user thinks would be a wrong answer.
  console.error(formatReport(dataset.report));
  const { split, faces } = evaluationSplit(dataset, values.split as SplitName | undefined);
  if (values['tta-shifts'] && values['no-tta']) throw new UsageError('--tta-shifts and --no-tta contradict each other');
  const stored = modelViews(metadata);
  const testTimeShifts = values['tta-shifts'] || (values['no-tta'] || values.tta ? false : stored.testTimeShifts);
  const testTimeFlip = testTimeShifts || (values['no-tta'] ? false : (values.tta ?? stored.testTimeFlip));
  const views = { testTimeFlip, testTimeShifts };
  const started = performance.now();
  const evaluated = await evaluateModel(values.model, loaded, faces, { split, ...views });
  let { report, probabilities: predicted } = evaluated;
  const seconds = (performance.now() - started) / 1000;
  if (values['save-evaluation']) {
    metadata.calibration = await fitCalibration(values.model, loaded, faces, split, { views, raw: evaluated.raw });
    const temperature = temperatureFor(metadata, views);
    ({ report, probabilities: predicted } = scoreProbabilities(faces.labels, evaluated.raw, {
      split,
      ...views,
      temperature,
    }));
    metadata.evaluation = report;
    await writeMetadata(values.model, metadata);
    const { single, mirrored, shifted } = metadata.calibration;
    console.error(
      `Temperatures fitted on ${splitLabel(split)} written to ${values.model}: ` +
        `single ${single.toFixed(3)}, mirrored ${mirrored.toFixed(3)}, ten views ${shifted?.toFixed(3)}`,
    );
  }
  console.log(
    `${metadata.name} (${metadata.architecture}) on ${splitLabel(split)} of ${values.data}: ${report.images} images, ${viewsLabel(views)}`,
  );
  console.log(formatEvaluation(report));
  console.error(`${report.images} images in ${seconds.toFixed(1)} s`);
  if (values['save-reference']) {
    // The live view classifies single faces (no mirror image): the reference must be of the same.
    const { probabilities } = testTimeFlip
      ? await evaluateModel(values.model, loaded, faces, { split, testTimeFlip: false })
      : { probabilities: predicted };
    const reference = neutralReference(probabilities, faces.labels);
    if (!reference) throw new UsageError(`${splitLabel(split)} has no neutral face to take the reference from`);
    await writeMetadata(values.model, { ...metadata, neutralReference: { ...reference, split } });
    console.error(
      `Neutral reference from ${reference.faces} neutral faces written to ${values.model}: ` +
        reference.distribution.map((p, c) => `${EMOTIONS[c]} ${p.toFixed(3)}`).join(', '),
    );
  }
  if (values.json) {
    const skipped = { count: dataset.report.skippedCount, items: dataset.report.skipped };
    await writeFile(values.json, `${JSON.stringify({ ...report, skipped }, null, 2)}\n`);
    console.error(`Report written to ${values.json}`);
  }
});
