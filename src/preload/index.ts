import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNELS, type EmotionMonitorApi } from '../shared/api';

const api: EmotionMonitorApi = {
  getAppInfo: () => ipcRenderer.invoke(IPC_CHANNELS.getAppInfo),
};

contextBridge.exposeInMainWorld('api', api);
