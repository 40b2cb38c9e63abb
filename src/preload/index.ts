import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC_CHANNELS, IPC_EVENTS, type EmotionMonitorApi, type IpcResult, type MlStatus } from '../shared/api';
import type { TrainingRun } from '../shared/training';

async function invoke<T>(channel: string, ...args: unknown[]): Promise<T> {
  const result = (await ipcRenderer.invoke(channel, ...args)) as IpcResult<T>;
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

/** Forwards an event from main to `listener` (without the IPC event object); returns the unsubscribe. */
function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const forward = (_event: unknown, value: T) => listener(value);
  ipcRenderer.on(channel, forward);
  return () => ipcRenderer.off(channel, forward);
}

const api: EmotionMonitorApi = {
  getAppInfo: () => invoke(IPC_CHANNELS.getAppInfo),
  classifyFaces: (request) => invoke(IPC_CHANNELS.classifyFaces, request),
  getMlStatus: () => invoke(IPC_CHANNELS.getMlStatus),
  startRecording: (request) => invoke(IPC_CHANNELS.startRecording, request),
  stopRecording: (request) => invoke(IPC_CHANNELS.stopRecording, request),
  getRecording: () => invoke(IPC_CHANNELS.getRecording),
  recordFaces: (request) => invoke(IPC_CHANNELS.recordFaces, request),
  setBaseline: (request) => invoke(IPC_CHANNELS.setBaseline, request),
  addSessionMarker: (request) => invoke(IPC_CHANNELS.addSessionMarker, request),
  updateMarker: (request) => invoke(IPC_CHANNELS.updateMarker, request),
  deleteMarker: (request) => invoke(IPC_CHANNELS.deleteMarker, request),
  nameFace: (request) => invoke(IPC_CHANNELS.nameFace, request),
  mergeFaces: (request) => invoke(IPC_CHANNELS.mergeFaces, request),
  addMarker: (request) => invoke(IPC_CHANNELS.addMarker, request),
  listSessions: (filter) => invoke(IPC_CHANNELS.listSessions, filter),
  getSessionDetail: (request) => invoke(IPC_CHANNELS.getSessionDetail, request),
  updateSession: (request) => invoke(IPC_CHANNELS.updateSession, request),
  deleteSessions: (request) => invoke(IPC_CHANNELS.deleteSessions, request),
  exportCsv: (request) => invoke(IPC_CHANNELS.exportCsv, request),
  exportReport: (request) => invoke(IPC_CHANNELS.exportReport, request),
  exportPhotoCsv: (request) => invoke(IPC_CHANNELS.exportPhotoCsv, request),
  listModels: () => invoke(IPC_CHANNELS.listModels),
  activateModel: (request) => invoke(IPC_CHANNELS.activateModel, request),
  renameModel: (request) => invoke(IPC_CHANNELS.renameModel, request),
  deleteModel: (request) => invoke(IPC_CHANNELS.deleteModel, request),
  importModel: () => invoke(IPC_CHANNELS.importModel),
  exportModel: (request) => invoke(IPC_CHANNELS.exportModel, request),
  chooseDataset: (request) => invoke(IPC_CHANNELS.chooseDataset, request),
  pathForFile: (file) => webUtils.getPathForFile(file),
  inspectDataset: (request) => invoke(IPC_CHANNELS.inspectDataset, request),
  estimateTraining: (request) => invoke(IPC_CHANNELS.estimateTraining, request),
  startTraining: (request) => invoke(IPC_CHANNELS.startTraining, request),
  pauseTraining: (request) => invoke(IPC_CHANNELS.pauseTraining, request),
  resumeTraining: (request) => invoke(IPC_CHANNELS.resumeTraining, request),
  cancelTraining: (request) => invoke(IPC_CHANNELS.cancelTraining, request),
  deleteTrainingRun: (request) => invoke(IPC_CHANNELS.deleteTrainingRun, request),
  listTrainingRuns: () => invoke(IPC_CHANNELS.listTrainingRuns),
  getRunReport: (request) => invoke(IPC_CHANNELS.getRunReport, request),
  onTrainingRun: (listener) => subscribe<TrainingRun>(IPC_EVENTS.trainingRun, listener),
  onMlStatus: (listener) => subscribe<MlStatus>(IPC_EVENTS.mlStatus, listener),
  onDatasetProgress: (listener) => subscribe(IPC_EVENTS.datasetProgress, listener),
};

contextBridge.exposeInMainWorld('api', api);
