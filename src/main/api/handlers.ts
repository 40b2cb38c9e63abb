import type { AppInfo, ClassifyResult, IpcResult, InvokeMethod, EmotionMonitorApi, MlStatus } from '../../shared/api';
import type { MlHostClient } from '../ml/host/client';
import { expectNoPayload, parseClassifyRequest } from './validate';

export interface ApiDependencies {
  appInfo: () => AppInfo;
  ml: Pick<MlHostClient, 'classify' | 'status'>;
}

/** What main runs for each invoked method, taking the raw (unvalidated) arguments from IPC. */
export type ApiHandlers = {
  [M in InvokeMethod]: (...args: unknown[]) => ReturnType<EmotionMonitorApi[M]>;
};

/** The main-process side of the contract. No electron import: the e2e test bridge serves it too. */
export function createApiHandlers({ appInfo, ml }: ApiDependencies): ApiHandlers {
  return {
    getAppInfo: async (...args): Promise<AppInfo> => {
      expectNoPayload('getAppInfo', args);
      return appInfo();
    },
    classifyFaces: async (payload, ...rest): Promise<ClassifyResult> => {
      expectNoPayload('classifyFaces (after its request)', rest);
      const { faces } = parseClassifyRequest(payload);
      const { probabilities, inferenceMs } = await ml.classify(faces);
      return { probabilities, inferenceMs, model: ml.status.model ?? 'unknown' };
    },
    getMlStatus: async (...args): Promise<MlStatus> => {
      expectNoPayload('getMlStatus', args);
      return ml.status;
    },
  };
}

/** Runs a handler and wraps its outcome, so the renderer gets main's own error message. */
export async function invokeHandler<M extends InvokeMethod>(
  handlers: ApiHandlers,
  method: M,
  args: unknown[],
): Promise<IpcResult<Awaited<ReturnType<ApiHandlers[M]>>>> {
  try {
    return { ok: true, value: (await handlers[method](...args)) as Awaited<ReturnType<ApiHandlers[M]>> };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export function isInvokeMethod(handlers: ApiHandlers, method: unknown): method is InvokeMethod {
  return typeof method === 'string' && Object.hasOwn(handlers, method);
}
