export type { ApiOperation, EmulatorApp } from './api';
export type { CallbackAttempt, CallbackMode } from './callbacks';
export {
  type EmulatorOrder,
  type EmulatorOrderStatus,
  type EmulatorRefund,
  EmulatorStateError,
  type Fault,
  type PayOptions,
  ZaloPayEmulator,
  type ZaloPayEmulatorOptions,
} from './emulator';
export type { EmulatorLogger } from './logger';
export { type EmulatorServer, startEmulatorServer } from './server';
export type { RefundOutcome } from './state';
