import type { TrainProgress } from '../training/trainer';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/**
 * Prints training progress: a live bar on a terminal, a line every `logEverySeconds` otherwise
 * (CI logs and files).
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr, logEverySeconds = 15) {
  let lastLog = 0;
  return (event: TrainProgress) => {
    switch (event.type) {
      case 'teacher-computing':
        stream.write(
          `Learning from ${event.teacher}: computing its ten-view probabilities for ${event.faces} training faces ` +
            `(once: later runs read them back)...\n`,
        );
        break;
      case 'teacher':
        stream.write(
          `Learning from ${event.teacher}: its ten-view probabilities ${event.cached ? 'read from' : 'computed and kept in'} ${event.file}\n`,
        );
        break;
      case 'start':
        stream.write(
          `Training on ${event.backend} with ${event.workers} worker(s): ${event.parameters.toLocaleString('en')} parameters, ` +
            `${event.trainImages} train / ${event.validationImages} validation images, ` +
            `epochs ${event.startEpoch + 1}-${event.epochs}, ${event.stepsPerEpoch} batches each` +
            (event.blurSigma > 0
              ? `\nTraining faces are blurrier than validation faces: validating through a blur of sigma ${event.blurSigma}\n`
              : '\n'),
        );
        break;
      case 'batch': {
        const line =
          `epoch ${event.epoch} ${bar(event.batch / event.batches)} ${event.batch}/${event.batches} ` +
          `loss ${event.loss.toFixed(4)} acc ${event.accuracy.toFixed(4)} ${event.imagesPerSecond.toFixed(0)} img/s ` +
          `lr ${event.learningRate.toExponential(2)} ETA ${formatDuration(event.etaSeconds)}`;
        if (stream.isTTY) stream.write(`\r${line}\x1b[K`);
        else if (Date.now() - lastLog > logEverySeconds * 1000) {
          lastLog = Date.now();
          stream.write(`${line}\n`);
        }
        break;
      }
      case 'epoch': {
        const r = event.record;
        stream.write(
          `${stream.isTTY ? '\r\x1b[K' : ''}epoch ${r.epoch}: loss ${r.loss.toFixed(4)} acc ${r.accuracy.toFixed(4)} ` +
            `val_loss ${r.valLoss.toFixed(4)} val_acc ${r.valAccuracy.toFixed(4)} (${r.seconds.toFixed(0)} s, ` +
            `${event.tensors} tensors, ETA ${formatDuration(event.etaSeconds)})\n`,
        );
        break;
      }
      case 'checkpoint':
        if (event.bestEpoch !== undefined) stream.write(`best epoch so far: ${event.bestEpoch} (its weights kept)\n`);
        break;
    }
  };
}
