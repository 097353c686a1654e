// Original file: proto/volume_server.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AllocateVolumeRequest as _volume_server_pb_AllocateVolumeRequest, AllocateVolumeRequest__Output as _volume_server_pb_AllocateVolumeRequest__Output } from '../volume_server_pb/AllocateVolumeRequest.ts';
import type { AllocateVolumeResponse as _volume_server_pb_AllocateVolumeResponse, AllocateVolumeResponse__Output as _volume_server_pb_AllocateVolumeResponse__Output } from '../volume_server_pb/AllocateVolumeResponse.ts';
import type { BatchDeleteRequest as _volume_server_pb_BatchDeleteRequest, BatchDeleteRequest__Output as _volume_server_pb_BatchDeleteRequest__Output } from '../volume_server_pb/BatchDeleteRequest.ts';
import type { BatchDeleteResponse as _volume_server_pb_BatchDeleteResponse, BatchDeleteResponse__Output as _volume_server_pb_BatchDeleteResponse__Output } from '../volume_server_pb/BatchDeleteResponse.ts';
import type { CopyFileRequest as _volume_server_pb_CopyFileRequest, CopyFileRequest__Output as _volume_server_pb_CopyFileRequest__Output } from '../volume_server_pb/CopyFileRequest.ts';
import type { CopyFileResponse as _volume_server_pb_CopyFileResponse, CopyFileResponse__Output as _volume_server_pb_CopyFileResponse__Output } from '../volume_server_pb/CopyFileResponse.ts';
import type { DeleteCollectionRequest as _volume_server_pb_DeleteCollectionRequest, DeleteCollectionRequest__Output as _volume_server_pb_DeleteCollectionRequest__Output } from '../volume_server_pb/DeleteCollectionRequest.ts';
import type { DeleteCollectionResponse as _volume_server_pb_DeleteCollectionResponse, DeleteCollectionResponse__Output as _volume_server_pb_DeleteCollectionResponse__Output } from '../volume_server_pb/DeleteCollectionResponse.ts';
import type { FetchAndWriteNeedleRequest as _volume_server_pb_FetchAndWriteNeedleRequest, FetchAndWriteNeedleRequest__Output as _volume_server_pb_FetchAndWriteNeedleRequest__Output } from '../volume_server_pb/FetchAndWriteNeedleRequest.ts';
import type { FetchAndWriteNeedleResponse as _volume_server_pb_FetchAndWriteNeedleResponse, FetchAndWriteNeedleResponse__Output as _volume_server_pb_FetchAndWriteNeedleResponse__Output } from '../volume_server_pb/FetchAndWriteNeedleResponse.ts';
import type { GetStateRequest as _volume_server_pb_GetStateRequest, GetStateRequest__Output as _volume_server_pb_GetStateRequest__Output } from '../volume_server_pb/GetStateRequest.ts';
import type { GetStateResponse as _volume_server_pb_GetStateResponse, GetStateResponse__Output as _volume_server_pb_GetStateResponse__Output } from '../volume_server_pb/GetStateResponse.ts';
import type { PingRequest as _volume_server_pb_PingRequest, PingRequest__Output as _volume_server_pb_PingRequest__Output } from '../volume_server_pb/PingRequest.ts';
import type { PingResponse as _volume_server_pb_PingResponse, PingResponse__Output as _volume_server_pb_PingResponse__Output } from '../volume_server_pb/PingResponse.ts';
import type { QueriedStripe as _volume_server_pb_QueriedStripe, QueriedStripe__Output as _volume_server_pb_QueriedStripe__Output } from '../volume_server_pb/QueriedStripe.ts';
import type { QueryRequest as _volume_server_pb_QueryRequest, QueryRequest__Output as _volume_server_pb_QueryRequest__Output } from '../volume_server_pb/QueryRequest.ts';
import type { ReadAllNeedlesRequest as _volume_server_pb_ReadAllNeedlesRequest, ReadAllNeedlesRequest__Output as _volume_server_pb_ReadAllNeedlesRequest__Output } from '../volume_server_pb/ReadAllNeedlesRequest.ts';
import type { ReadAllNeedlesResponse as _volume_server_pb_ReadAllNeedlesResponse, ReadAllNeedlesResponse__Output as _volume_server_pb_ReadAllNeedlesResponse__Output } from '../volume_server_pb/ReadAllNeedlesResponse.ts';
import type { ReadNeedleBlobRequest as _volume_server_pb_ReadNeedleBlobRequest, ReadNeedleBlobRequest__Output as _volume_server_pb_ReadNeedleBlobRequest__Output } from '../volume_server_pb/ReadNeedleBlobRequest.ts';
import type { ReadNeedleBlobResponse as _volume_server_pb_ReadNeedleBlobResponse, ReadNeedleBlobResponse__Output as _volume_server_pb_ReadNeedleBlobResponse__Output } from '../volume_server_pb/ReadNeedleBlobResponse.ts';
import type { ReadNeedleMetaRequest as _volume_server_pb_ReadNeedleMetaRequest, ReadNeedleMetaRequest__Output as _volume_server_pb_ReadNeedleMetaRequest__Output } from '../volume_server_pb/ReadNeedleMetaRequest.ts';
import type { ReadNeedleMetaResponse as _volume_server_pb_ReadNeedleMetaResponse, ReadNeedleMetaResponse__Output as _volume_server_pb_ReadNeedleMetaResponse__Output } from '../volume_server_pb/ReadNeedleMetaResponse.ts';
import type { ReadVolumeFileStatusRequest as _volume_server_pb_ReadVolumeFileStatusRequest, ReadVolumeFileStatusRequest__Output as _volume_server_pb_ReadVolumeFileStatusRequest__Output } from '../volume_server_pb/ReadVolumeFileStatusRequest.ts';
import type { ReadVolumeFileStatusResponse as _volume_server_pb_ReadVolumeFileStatusResponse, ReadVolumeFileStatusResponse__Output as _volume_server_pb_ReadVolumeFileStatusResponse__Output } from '../volume_server_pb/ReadVolumeFileStatusResponse.ts';
import type { ReceiveFileRequest as _volume_server_pb_ReceiveFileRequest, ReceiveFileRequest__Output as _volume_server_pb_ReceiveFileRequest__Output } from '../volume_server_pb/ReceiveFileRequest.ts';
import type { ReceiveFileResponse as _volume_server_pb_ReceiveFileResponse, ReceiveFileResponse__Output as _volume_server_pb_ReceiveFileResponse__Output } from '../volume_server_pb/ReceiveFileResponse.ts';
import type { ScrubEcVolumeRequest as _volume_server_pb_ScrubEcVolumeRequest, ScrubEcVolumeRequest__Output as _volume_server_pb_ScrubEcVolumeRequest__Output } from '../volume_server_pb/ScrubEcVolumeRequest.ts';
import type { ScrubEcVolumeResponse as _volume_server_pb_ScrubEcVolumeResponse, ScrubEcVolumeResponse__Output as _volume_server_pb_ScrubEcVolumeResponse__Output } from '../volume_server_pb/ScrubEcVolumeResponse.ts';
import type { ScrubVolumeRequest as _volume_server_pb_ScrubVolumeRequest, ScrubVolumeRequest__Output as _volume_server_pb_ScrubVolumeRequest__Output } from '../volume_server_pb/ScrubVolumeRequest.ts';
import type { ScrubVolumeResponse as _volume_server_pb_ScrubVolumeResponse, ScrubVolumeResponse__Output as _volume_server_pb_ScrubVolumeResponse__Output } from '../volume_server_pb/ScrubVolumeResponse.ts';
import type { SetStateRequest as _volume_server_pb_SetStateRequest, SetStateRequest__Output as _volume_server_pb_SetStateRequest__Output } from '../volume_server_pb/SetStateRequest.ts';
import type { SetStateResponse as _volume_server_pb_SetStateResponse, SetStateResponse__Output as _volume_server_pb_SetStateResponse__Output } from '../volume_server_pb/SetStateResponse.ts';
import type { VacuumVolumeCheckRequest as _volume_server_pb_VacuumVolumeCheckRequest, VacuumVolumeCheckRequest__Output as _volume_server_pb_VacuumVolumeCheckRequest__Output } from '../volume_server_pb/VacuumVolumeCheckRequest.ts';
import type { VacuumVolumeCheckResponse as _volume_server_pb_VacuumVolumeCheckResponse, VacuumVolumeCheckResponse__Output as _volume_server_pb_VacuumVolumeCheckResponse__Output } from '../volume_server_pb/VacuumVolumeCheckResponse.ts';
import type { VacuumVolumeCleanupRequest as _volume_server_pb_VacuumVolumeCleanupRequest, VacuumVolumeCleanupRequest__Output as _volume_server_pb_VacuumVolumeCleanupRequest__Output } from '../volume_server_pb/VacuumVolumeCleanupRequest.ts';
import type { VacuumVolumeCleanupResponse as _volume_server_pb_VacuumVolumeCleanupResponse, VacuumVolumeCleanupResponse__Output as _volume_server_pb_VacuumVolumeCleanupResponse__Output } from '../volume_server_pb/VacuumVolumeCleanupResponse.ts';
import type { VacuumVolumeCommitRequest as _volume_server_pb_VacuumVolumeCommitRequest, VacuumVolumeCommitRequest__Output as _volume_server_pb_VacuumVolumeCommitRequest__Output } from '../volume_server_pb/VacuumVolumeCommitRequest.ts';
import type { VacuumVolumeCommitResponse as _volume_server_pb_VacuumVolumeCommitResponse, VacuumVolumeCommitResponse__Output as _volume_server_pb_VacuumVolumeCommitResponse__Output } from '../volume_server_pb/VacuumVolumeCommitResponse.ts';
import type { VacuumVolumeCompactRequest as _volume_server_pb_VacuumVolumeCompactRequest, VacuumVolumeCompactRequest__Output as _volume_server_pb_VacuumVolumeCompactRequest__Output } from '../volume_server_pb/VacuumVolumeCompactRequest.ts';
import type { VacuumVolumeCompactResponse as _volume_server_pb_VacuumVolumeCompactResponse, VacuumVolumeCompactResponse__Output as _volume_server_pb_VacuumVolumeCompactResponse__Output } from '../volume_server_pb/VacuumVolumeCompactResponse.ts';
import type { VolumeConfigureRequest as _volume_server_pb_VolumeConfigureRequest, VolumeConfigureRequest__Output as _volume_server_pb_VolumeConfigureRequest__Output } from '../volume_server_pb/VolumeConfigureRequest.ts';
import type { VolumeConfigureResponse as _volume_server_pb_VolumeConfigureResponse, VolumeConfigureResponse__Output as _volume_server_pb_VolumeConfigureResponse__Output } from '../volume_server_pb/VolumeConfigureResponse.ts';
import type { VolumeConsolidateIndexRequest as _volume_server_pb_VolumeConsolidateIndexRequest, VolumeConsolidateIndexRequest__Output as _volume_server_pb_VolumeConsolidateIndexRequest__Output } from '../volume_server_pb/VolumeConsolidateIndexRequest.ts';
import type { VolumeConsolidateIndexResponse as _volume_server_pb_VolumeConsolidateIndexResponse, VolumeConsolidateIndexResponse__Output as _volume_server_pb_VolumeConsolidateIndexResponse__Output } from '../volume_server_pb/VolumeConsolidateIndexResponse.ts';
import type { VolumeCopyRequest as _volume_server_pb_VolumeCopyRequest, VolumeCopyRequest__Output as _volume_server_pb_VolumeCopyRequest__Output } from '../volume_server_pb/VolumeCopyRequest.ts';
import type { VolumeCopyResponse as _volume_server_pb_VolumeCopyResponse, VolumeCopyResponse__Output as _volume_server_pb_VolumeCopyResponse__Output } from '../volume_server_pb/VolumeCopyResponse.ts';
import type { VolumeDeleteRequest as _volume_server_pb_VolumeDeleteRequest, VolumeDeleteRequest__Output as _volume_server_pb_VolumeDeleteRequest__Output } from '../volume_server_pb/VolumeDeleteRequest.ts';
import type { VolumeDeleteResponse as _volume_server_pb_VolumeDeleteResponse, VolumeDeleteResponse__Output as _volume_server_pb_VolumeDeleteResponse__Output } from '../volume_server_pb/VolumeDeleteResponse.ts';
import type { VolumeEcBlobDeleteRequest as _volume_server_pb_VolumeEcBlobDeleteRequest, VolumeEcBlobDeleteRequest__Output as _volume_server_pb_VolumeEcBlobDeleteRequest__Output } from '../volume_server_pb/VolumeEcBlobDeleteRequest.ts';
import type { VolumeEcBlobDeleteResponse as _volume_server_pb_VolumeEcBlobDeleteResponse, VolumeEcBlobDeleteResponse__Output as _volume_server_pb_VolumeEcBlobDeleteResponse__Output } from '../volume_server_pb/VolumeEcBlobDeleteResponse.ts';
import type { VolumeEcShardReadRequest as _volume_server_pb_VolumeEcShardReadRequest, VolumeEcShardReadRequest__Output as _volume_server_pb_VolumeEcShardReadRequest__Output } from '../volume_server_pb/VolumeEcShardReadRequest.ts';
import type { VolumeEcShardReadResponse as _volume_server_pb_VolumeEcShardReadResponse, VolumeEcShardReadResponse__Output as _volume_server_pb_VolumeEcShardReadResponse__Output } from '../volume_server_pb/VolumeEcShardReadResponse.ts';
import type { VolumeEcShardsCopyRequest as _volume_server_pb_VolumeEcShardsCopyRequest, VolumeEcShardsCopyRequest__Output as _volume_server_pb_VolumeEcShardsCopyRequest__Output } from '../volume_server_pb/VolumeEcShardsCopyRequest.ts';
import type { VolumeEcShardsCopyResponse as _volume_server_pb_VolumeEcShardsCopyResponse, VolumeEcShardsCopyResponse__Output as _volume_server_pb_VolumeEcShardsCopyResponse__Output } from '../volume_server_pb/VolumeEcShardsCopyResponse.ts';
import type { VolumeEcShardsDeleteRequest as _volume_server_pb_VolumeEcShardsDeleteRequest, VolumeEcShardsDeleteRequest__Output as _volume_server_pb_VolumeEcShardsDeleteRequest__Output } from '../volume_server_pb/VolumeEcShardsDeleteRequest.ts';
import type { VolumeEcShardsDeleteResponse as _volume_server_pb_VolumeEcShardsDeleteResponse, VolumeEcShardsDeleteResponse__Output as _volume_server_pb_VolumeEcShardsDeleteResponse__Output } from '../volume_server_pb/VolumeEcShardsDeleteResponse.ts';
import type { VolumeEcShardsGenerateRequest as _volume_server_pb_VolumeEcShardsGenerateRequest, VolumeEcShardsGenerateRequest__Output as _volume_server_pb_VolumeEcShardsGenerateRequest__Output } from '../volume_server_pb/VolumeEcShardsGenerateRequest.ts';
import type { VolumeEcShardsGenerateResponse as _volume_server_pb_VolumeEcShardsGenerateResponse, VolumeEcShardsGenerateResponse__Output as _volume_server_pb_VolumeEcShardsGenerateResponse__Output } from '../volume_server_pb/VolumeEcShardsGenerateResponse.ts';
import type { VolumeEcShardsInfoRequest as _volume_server_pb_VolumeEcShardsInfoRequest, VolumeEcShardsInfoRequest__Output as _volume_server_pb_VolumeEcShardsInfoRequest__Output } from '../volume_server_pb/VolumeEcShardsInfoRequest.ts';
import type { VolumeEcShardsInfoResponse as _volume_server_pb_VolumeEcShardsInfoResponse, VolumeEcShardsInfoResponse__Output as _volume_server_pb_VolumeEcShardsInfoResponse__Output } from '../volume_server_pb/VolumeEcShardsInfoResponse.ts';
import type { VolumeEcShardsMountRequest as _volume_server_pb_VolumeEcShardsMountRequest, VolumeEcShardsMountRequest__Output as _volume_server_pb_VolumeEcShardsMountRequest__Output } from '../volume_server_pb/VolumeEcShardsMountRequest.ts';
import type { VolumeEcShardsMountResponse as _volume_server_pb_VolumeEcShardsMountResponse, VolumeEcShardsMountResponse__Output as _volume_server_pb_VolumeEcShardsMountResponse__Output } from '../volume_server_pb/VolumeEcShardsMountResponse.ts';
import type { VolumeEcShardsRebuildRequest as _volume_server_pb_VolumeEcShardsRebuildRequest, VolumeEcShardsRebuildRequest__Output as _volume_server_pb_VolumeEcShardsRebuildRequest__Output } from '../volume_server_pb/VolumeEcShardsRebuildRequest.ts';
import type { VolumeEcShardsRebuildResponse as _volume_server_pb_VolumeEcShardsRebuildResponse, VolumeEcShardsRebuildResponse__Output as _volume_server_pb_VolumeEcShardsRebuildResponse__Output } from '../volume_server_pb/VolumeEcShardsRebuildResponse.ts';
import type { VolumeEcShardsToVolumeRequest as _volume_server_pb_VolumeEcShardsToVolumeRequest, VolumeEcShardsToVolumeRequest__Output as _volume_server_pb_VolumeEcShardsToVolumeRequest__Output } from '../volume_server_pb/VolumeEcShardsToVolumeRequest.ts';
import type { VolumeEcShardsToVolumeResponse as _volume_server_pb_VolumeEcShardsToVolumeResponse, VolumeEcShardsToVolumeResponse__Output as _volume_server_pb_VolumeEcShardsToVolumeResponse__Output } from '../volume_server_pb/VolumeEcShardsToVolumeResponse.ts';
import type { VolumeEcShardsUnmountRequest as _volume_server_pb_VolumeEcShardsUnmountRequest, VolumeEcShardsUnmountRequest__Output as _volume_server_pb_VolumeEcShardsUnmountRequest__Output } from '../volume_server_pb/VolumeEcShardsUnmountRequest.ts';
import type { VolumeEcShardsUnmountResponse as _volume_server_pb_VolumeEcShardsUnmountResponse, VolumeEcShardsUnmountResponse__Output as _volume_server_pb_VolumeEcShardsUnmountResponse__Output } from '../volume_server_pb/VolumeEcShardsUnmountResponse.ts';
import type { VolumeIncrementalCopyRequest as _volume_server_pb_VolumeIncrementalCopyRequest, VolumeIncrementalCopyRequest__Output as _volume_server_pb_VolumeIncrementalCopyRequest__Output } from '../volume_server_pb/VolumeIncrementalCopyRequest.ts';
import type { VolumeIncrementalCopyResponse as _volume_server_pb_VolumeIncrementalCopyResponse, VolumeIncrementalCopyResponse__Output as _volume_server_pb_VolumeIncrementalCopyResponse__Output } from '../volume_server_pb/VolumeIncrementalCopyResponse.ts';
import type { VolumeMarkReadonlyRequest as _volume_server_pb_VolumeMarkReadonlyRequest, VolumeMarkReadonlyRequest__Output as _volume_server_pb_VolumeMarkReadonlyRequest__Output } from '../volume_server_pb/VolumeMarkReadonlyRequest.ts';
import type { VolumeMarkReadonlyResponse as _volume_server_pb_VolumeMarkReadonlyResponse, VolumeMarkReadonlyResponse__Output as _volume_server_pb_VolumeMarkReadonlyResponse__Output } from '../volume_server_pb/VolumeMarkReadonlyResponse.ts';
import type { VolumeMarkWritableRequest as _volume_server_pb_VolumeMarkWritableRequest, VolumeMarkWritableRequest__Output as _volume_server_pb_VolumeMarkWritableRequest__Output } from '../volume_server_pb/VolumeMarkWritableRequest.ts';
import type { VolumeMarkWritableResponse as _volume_server_pb_VolumeMarkWritableResponse, VolumeMarkWritableResponse__Output as _volume_server_pb_VolumeMarkWritableResponse__Output } from '../volume_server_pb/VolumeMarkWritableResponse.ts';
import type { VolumeMountRequest as _volume_server_pb_VolumeMountRequest, VolumeMountRequest__Output as _volume_server_pb_VolumeMountRequest__Output } from '../volume_server_pb/VolumeMountRequest.ts';
import type { VolumeMountResponse as _volume_server_pb_VolumeMountResponse, VolumeMountResponse__Output as _volume_server_pb_VolumeMountResponse__Output } from '../volume_server_pb/VolumeMountResponse.ts';
import type { VolumeNeedleStatusRequest as _volume_server_pb_VolumeNeedleStatusRequest, VolumeNeedleStatusRequest__Output as _volume_server_pb_VolumeNeedleStatusRequest__Output } from '../volume_server_pb/VolumeNeedleStatusRequest.ts';
import type { VolumeNeedleStatusResponse as _volume_server_pb_VolumeNeedleStatusResponse, VolumeNeedleStatusResponse__Output as _volume_server_pb_VolumeNeedleStatusResponse__Output } from '../volume_server_pb/VolumeNeedleStatusResponse.ts';
import type { VolumeServerLeaveRequest as _volume_server_pb_VolumeServerLeaveRequest, VolumeServerLeaveRequest__Output as _volume_server_pb_VolumeServerLeaveRequest__Output } from '../volume_server_pb/VolumeServerLeaveRequest.ts';
import type { VolumeServerLeaveResponse as _volume_server_pb_VolumeServerLeaveResponse, VolumeServerLeaveResponse__Output as _volume_server_pb_VolumeServerLeaveResponse__Output } from '../volume_server_pb/VolumeServerLeaveResponse.ts';
import type { VolumeServerStatusRequest as _volume_server_pb_VolumeServerStatusRequest, VolumeServerStatusRequest__Output as _volume_server_pb_VolumeServerStatusRequest__Output } from '../volume_server_pb/VolumeServerStatusRequest.ts';
import type { VolumeServerStatusResponse as _volume_server_pb_VolumeServerStatusResponse, VolumeServerStatusResponse__Output as _volume_server_pb_VolumeServerStatusResponse__Output } from '../volume_server_pb/VolumeServerStatusResponse.ts';
import type { VolumeStatusRequest as _volume_server_pb_VolumeStatusRequest, VolumeStatusRequest__Output as _volume_server_pb_VolumeStatusRequest__Output } from '../volume_server_pb/VolumeStatusRequest.ts';
import type { VolumeStatusResponse as _volume_server_pb_VolumeStatusResponse, VolumeStatusResponse__Output as _volume_server_pb_VolumeStatusResponse__Output } from '../volume_server_pb/VolumeStatusResponse.ts';
import type { VolumeSyncStatusRequest as _volume_server_pb_VolumeSyncStatusRequest, VolumeSyncStatusRequest__Output as _volume_server_pb_VolumeSyncStatusRequest__Output } from '../volume_server_pb/VolumeSyncStatusRequest.ts';
import type { VolumeSyncStatusResponse as _volume_server_pb_VolumeSyncStatusResponse, VolumeSyncStatusResponse__Output as _volume_server_pb_VolumeSyncStatusResponse__Output } from '../volume_server_pb/VolumeSyncStatusResponse.ts';
import type { VolumeTailReceiverRequest as _volume_server_pb_VolumeTailReceiverRequest, VolumeTailReceiverRequest__Output as _volume_server_pb_VolumeTailReceiverRequest__Output } from '../volume_server_pb/VolumeTailReceiverRequest.ts';
import type { VolumeTailReceiverResponse as _volume_server_pb_VolumeTailReceiverResponse, VolumeTailReceiverResponse__Output as _volume_server_pb_VolumeTailReceiverResponse__Output } from '../volume_server_pb/VolumeTailReceiverResponse.ts';
import type { VolumeTailSenderRequest as _volume_server_pb_VolumeTailSenderRequest, VolumeTailSenderRequest__Output as _volume_server_pb_VolumeTailSenderRequest__Output } from '../volume_server_pb/VolumeTailSenderRequest.ts';
import type { VolumeTailSenderResponse as _volume_server_pb_VolumeTailSenderResponse, VolumeTailSenderResponse__Output as _volume_server_pb_VolumeTailSenderResponse__Output } from '../volume_server_pb/VolumeTailSenderResponse.ts';
import type { VolumeTierMoveDatFromRemoteRequest as _volume_server_pb_VolumeTierMoveDatFromRemoteRequest, VolumeTierMoveDatFromRemoteRequest__Output as _volume_server_pb_VolumeTierMoveDatFromRemoteRequest__Output } from '../volume_server_pb/VolumeTierMoveDatFromRemoteRequest.ts';
import type { VolumeTierMoveDatFromRemoteResponse as _volume_server_pb_VolumeTierMoveDatFromRemoteResponse, VolumeTierMoveDatFromRemoteResponse__Output as _volume_server_pb_VolumeTierMoveDatFromRemoteResponse__Output } from '../volume_server_pb/VolumeTierMoveDatFromRemoteResponse.ts';
import type { VolumeTierMoveDatToRemoteRequest as _volume_server_pb_VolumeTierMoveDatToRemoteRequest, VolumeTierMoveDatToRemoteRequest__Output as _volume_server_pb_VolumeTierMoveDatToRemoteRequest__Output } from '../volume_server_pb/VolumeTierMoveDatToRemoteRequest.ts';
import type { VolumeTierMoveDatToRemoteResponse as _volume_server_pb_VolumeTierMoveDatToRemoteResponse, VolumeTierMoveDatToRemoteResponse__Output as _volume_server_pb_VolumeTierMoveDatToRemoteResponse__Output } from '../volume_server_pb/VolumeTierMoveDatToRemoteResponse.ts';
import type { VolumeUnmountRequest as _volume_server_pb_VolumeUnmountRequest, VolumeUnmountRequest__Output as _volume_server_pb_VolumeUnmountRequest__Output } from '../volume_server_pb/VolumeUnmountRequest.ts';
import type { VolumeUnmountResponse as _volume_server_pb_VolumeUnmountResponse, VolumeUnmountResponse__Output as _volume_server_pb_VolumeUnmountResponse__Output } from '../volume_server_pb/VolumeUnmountResponse.ts';
import type { WriteNeedleBlobRequest as _volume_server_pb_WriteNeedleBlobRequest, WriteNeedleBlobRequest__Output as _volume_server_pb_WriteNeedleBlobRequest__Output } from '../volume_server_pb/WriteNeedleBlobRequest.ts';
import type { WriteNeedleBlobResponse as _volume_server_pb_WriteNeedleBlobResponse, WriteNeedleBlobResponse__Output as _volume_server_pb_WriteNeedleBlobResponse__Output } from '../volume_server_pb/WriteNeedleBlobResponse.ts';

export interface VolumeServerClient extends grpc.Client {
  AllocateVolume(argument: _volume_server_pb_AllocateVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_AllocateVolumeResponse__Output>): grpc.ClientUnaryCall;
  AllocateVolume(argument: _volume_server_pb_AllocateVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_AllocateVolumeResponse__Output>): grpc.ClientUnaryCall;
  AllocateVolume(argument: _volume_server_pb_AllocateVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_AllocateVolumeResponse__Output>): grpc.ClientUnaryCall;
  AllocateVolume(argument: _volume_server_pb_AllocateVolumeRequest, callback: grpc.requestCallback<_volume_server_pb_AllocateVolumeResponse__Output>): grpc.ClientUnaryCall;
  allocateVolume(argument: _volume_server_pb_AllocateVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_AllocateVolumeResponse__Output>): grpc.ClientUnaryCall;
  allocateVolume(argument: _volume_server_pb_AllocateVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_AllocateVolumeResponse__Output>): grpc.ClientUnaryCall;
  allocateVolume(argument: _volume_server_pb_AllocateVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_AllocateVolumeResponse__Output>): grpc.ClientUnaryCall;
  allocateVolume(argument: _volume_server_pb_AllocateVolumeRequest, callback: grpc.requestCallback<_volume_server_pb_AllocateVolumeResponse__Output>): grpc.ClientUnaryCall;
  
  BatchDelete(argument: _volume_server_pb_BatchDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_BatchDeleteResponse__Output>): grpc.ClientUnaryCall;
  BatchDelete(argument: _volume_server_pb_BatchDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_BatchDeleteResponse__Output>): grpc.ClientUnaryCall;
  BatchDelete(argument: _volume_server_pb_BatchDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_BatchDeleteResponse__Output>): grpc.ClientUnaryCall;
  BatchDelete(argument: _volume_server_pb_BatchDeleteRequest, callback: grpc.requestCallback<_volume_server_pb_BatchDeleteResponse__Output>): grpc.ClientUnaryCall;
  batchDelete(argument: _volume_server_pb_BatchDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_BatchDeleteResponse__Output>): grpc.ClientUnaryCall;
  batchDelete(argument: _volume_server_pb_BatchDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_BatchDeleteResponse__Output>): grpc.ClientUnaryCall;
  batchDelete(argument: _volume_server_pb_BatchDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_BatchDeleteResponse__Output>): grpc.ClientUnaryCall;
  batchDelete(argument: _volume_server_pb_BatchDeleteRequest, callback: grpc.requestCallback<_volume_server_pb_BatchDeleteResponse__Output>): grpc.ClientUnaryCall;
  
  CopyFile(argument: _volume_server_pb_CopyFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_CopyFileResponse__Output>;
  CopyFile(argument: _volume_server_pb_CopyFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_CopyFileResponse__Output>;
  copyFile(argument: _volume_server_pb_CopyFileRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_CopyFileResponse__Output>;
  copyFile(argument: _volume_server_pb_CopyFileRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_CopyFileResponse__Output>;
  
  DeleteCollection(argument: _volume_server_pb_DeleteCollectionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_DeleteCollectionResponse__Output>): grpc.ClientUnaryCall;
  DeleteCollection(argument: _volume_server_pb_DeleteCollectionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_DeleteCollectionResponse__Output>): grpc.ClientUnaryCall;
  DeleteCollection(argument: _volume_server_pb_DeleteCollectionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_DeleteCollectionResponse__Output>): grpc.ClientUnaryCall;
  DeleteCollection(argument: _volume_server_pb_DeleteCollectionRequest, callback: grpc.requestCallback<_volume_server_pb_DeleteCollectionResponse__Output>): grpc.ClientUnaryCall;
  deleteCollection(argument: _volume_server_pb_DeleteCollectionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_DeleteCollectionResponse__Output>): grpc.ClientUnaryCall;
  deleteCollection(argument: _volume_server_pb_DeleteCollectionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_DeleteCollectionResponse__Output>): grpc.ClientUnaryCall;
  deleteCollection(argument: _volume_server_pb_DeleteCollectionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_DeleteCollectionResponse__Output>): grpc.ClientUnaryCall;
  deleteCollection(argument: _volume_server_pb_DeleteCollectionRequest, callback: grpc.requestCallback<_volume_server_pb_DeleteCollectionResponse__Output>): grpc.ClientUnaryCall;
  
  FetchAndWriteNeedle(argument: _volume_server_pb_FetchAndWriteNeedleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_FetchAndWriteNeedleResponse__Output>): grpc.ClientUnaryCall;
  FetchAndWriteNeedle(argument: _volume_server_pb_FetchAndWriteNeedleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_FetchAndWriteNeedleResponse__Output>): grpc.ClientUnaryCall;
  FetchAndWriteNeedle(argument: _volume_server_pb_FetchAndWriteNeedleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_FetchAndWriteNeedleResponse__Output>): grpc.ClientUnaryCall;
  FetchAndWriteNeedle(argument: _volume_server_pb_FetchAndWriteNeedleRequest, callback: grpc.requestCallback<_volume_server_pb_FetchAndWriteNeedleResponse__Output>): grpc.ClientUnaryCall;
  fetchAndWriteNeedle(argument: _volume_server_pb_FetchAndWriteNeedleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_FetchAndWriteNeedleResponse__Output>): grpc.ClientUnaryCall;
  fetchAndWriteNeedle(argument: _volume_server_pb_FetchAndWriteNeedleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_FetchAndWriteNeedleResponse__Output>): grpc.ClientUnaryCall;
  fetchAndWriteNeedle(argument: _volume_server_pb_FetchAndWriteNeedleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_FetchAndWriteNeedleResponse__Output>): grpc.ClientUnaryCall;
  fetchAndWriteNeedle(argument: _volume_server_pb_FetchAndWriteNeedleRequest, callback: grpc.requestCallback<_volume_server_pb_FetchAndWriteNeedleResponse__Output>): grpc.ClientUnaryCall;
  
  GetState(argument: _volume_server_pb_GetStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_GetStateResponse__Output>): grpc.ClientUnaryCall;
  GetState(argument: _volume_server_pb_GetStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_GetStateResponse__Output>): grpc.ClientUnaryCall;
  GetState(argument: _volume_server_pb_GetStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_GetStateResponse__Output>): grpc.ClientUnaryCall;
  GetState(argument: _volume_server_pb_GetStateRequest, callback: grpc.requestCallback<_volume_server_pb_GetStateResponse__Output>): grpc.ClientUnaryCall;
  getState(argument: _volume_server_pb_GetStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_GetStateResponse__Output>): grpc.ClientUnaryCall;
  getState(argument: _volume_server_pb_GetStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_GetStateResponse__Output>): grpc.ClientUnaryCall;
  getState(argument: _volume_server_pb_GetStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_GetStateResponse__Output>): grpc.ClientUnaryCall;
  getState(argument: _volume_server_pb_GetStateRequest, callback: grpc.requestCallback<_volume_server_pb_GetStateResponse__Output>): grpc.ClientUnaryCall;
  
  Ping(argument: _volume_server_pb_PingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _volume_server_pb_PingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _volume_server_pb_PingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _volume_server_pb_PingRequest, callback: grpc.requestCallback<_volume_server_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _volume_server_pb_PingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _volume_server_pb_PingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _volume_server_pb_PingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _volume_server_pb_PingRequest, callback: grpc.requestCallback<_volume_server_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  
  Query(argument: _volume_server_pb_QueryRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_QueriedStripe__Output>;
  Query(argument: _volume_server_pb_QueryRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_QueriedStripe__Output>;
  query(argument: _volume_server_pb_QueryRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_QueriedStripe__Output>;
  query(argument: _volume_server_pb_QueryRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_QueriedStripe__Output>;
  
  ReadAllNeedles(argument: _volume_server_pb_ReadAllNeedlesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_ReadAllNeedlesResponse__Output>;
  ReadAllNeedles(argument: _volume_server_pb_ReadAllNeedlesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_ReadAllNeedlesResponse__Output>;
  readAllNeedles(argument: _volume_server_pb_ReadAllNeedlesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_ReadAllNeedlesResponse__Output>;
  readAllNeedles(argument: _volume_server_pb_ReadAllNeedlesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_ReadAllNeedlesResponse__Output>;
  
  ReadNeedleBlob(argument: _volume_server_pb_ReadNeedleBlobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  ReadNeedleBlob(argument: _volume_server_pb_ReadNeedleBlobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  ReadNeedleBlob(argument: _volume_server_pb_ReadNeedleBlobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  ReadNeedleBlob(argument: _volume_server_pb_ReadNeedleBlobRequest, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  readNeedleBlob(argument: _volume_server_pb_ReadNeedleBlobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  readNeedleBlob(argument: _volume_server_pb_ReadNeedleBlobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  readNeedleBlob(argument: _volume_server_pb_ReadNeedleBlobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  readNeedleBlob(argument: _volume_server_pb_ReadNeedleBlobRequest, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  
  ReadNeedleMeta(argument: _volume_server_pb_ReadNeedleMetaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleMetaResponse__Output>): grpc.ClientUnaryCall;
  ReadNeedleMeta(argument: _volume_server_pb_ReadNeedleMetaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleMetaResponse__Output>): grpc.ClientUnaryCall;
  ReadNeedleMeta(argument: _volume_server_pb_ReadNeedleMetaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleMetaResponse__Output>): grpc.ClientUnaryCall;
  ReadNeedleMeta(argument: _volume_server_pb_ReadNeedleMetaRequest, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleMetaResponse__Output>): grpc.ClientUnaryCall;
  readNeedleMeta(argument: _volume_server_pb_ReadNeedleMetaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleMetaResponse__Output>): grpc.ClientUnaryCall;
  readNeedleMeta(argument: _volume_server_pb_ReadNeedleMetaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleMetaResponse__Output>): grpc.ClientUnaryCall;
  readNeedleMeta(argument: _volume_server_pb_ReadNeedleMetaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleMetaResponse__Output>): grpc.ClientUnaryCall;
  readNeedleMeta(argument: _volume_server_pb_ReadNeedleMetaRequest, callback: grpc.requestCallback<_volume_server_pb_ReadNeedleMetaResponse__Output>): grpc.ClientUnaryCall;
  
  ReadVolumeFileStatus(argument: _volume_server_pb_ReadVolumeFileStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReadVolumeFileStatusResponse__Output>): grpc.ClientUnaryCall;
  ReadVolumeFileStatus(argument: _volume_server_pb_ReadVolumeFileStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_ReadVolumeFileStatusResponse__Output>): grpc.ClientUnaryCall;
  ReadVolumeFileStatus(argument: _volume_server_pb_ReadVolumeFileStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReadVolumeFileStatusResponse__Output>): grpc.ClientUnaryCall;
  ReadVolumeFileStatus(argument: _volume_server_pb_ReadVolumeFileStatusRequest, callback: grpc.requestCallback<_volume_server_pb_ReadVolumeFileStatusResponse__Output>): grpc.ClientUnaryCall;
  readVolumeFileStatus(argument: _volume_server_pb_ReadVolumeFileStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReadVolumeFileStatusResponse__Output>): grpc.ClientUnaryCall;
  readVolumeFileStatus(argument: _volume_server_pb_ReadVolumeFileStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_ReadVolumeFileStatusResponse__Output>): grpc.ClientUnaryCall;
  readVolumeFileStatus(argument: _volume_server_pb_ReadVolumeFileStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReadVolumeFileStatusResponse__Output>): grpc.ClientUnaryCall;
  readVolumeFileStatus(argument: _volume_server_pb_ReadVolumeFileStatusRequest, callback: grpc.requestCallback<_volume_server_pb_ReadVolumeFileStatusResponse__Output>): grpc.ClientUnaryCall;
  
  ReceiveFile(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReceiveFileResponse__Output>): grpc.ClientWritableStream<_volume_server_pb_ReceiveFileRequest>;
  ReceiveFile(metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_ReceiveFileResponse__Output>): grpc.ClientWritableStream<_volume_server_pb_ReceiveFileRequest>;
  ReceiveFile(options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReceiveFileResponse__Output>): grpc.ClientWritableStream<_volume_server_pb_ReceiveFileRequest>;
  ReceiveFile(callback: grpc.requestCallback<_volume_server_pb_ReceiveFileResponse__Output>): grpc.ClientWritableStream<_volume_server_pb_ReceiveFileRequest>;
  receiveFile(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReceiveFileResponse__Output>): grpc.ClientWritableStream<_volume_server_pb_ReceiveFileRequest>;
  receiveFile(metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_ReceiveFileResponse__Output>): grpc.ClientWritableStream<_volume_server_pb_ReceiveFileRequest>;
  receiveFile(options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ReceiveFileResponse__Output>): grpc.ClientWritableStream<_volume_server_pb_ReceiveFileRequest>;
  receiveFile(callback: grpc.requestCallback<_volume_server_pb_ReceiveFileResponse__Output>): grpc.ClientWritableStream<_volume_server_pb_ReceiveFileRequest>;
  
  ScrubEcVolume(argument: _volume_server_pb_ScrubEcVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ScrubEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  ScrubEcVolume(argument: _volume_server_pb_ScrubEcVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_ScrubEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  ScrubEcVolume(argument: _volume_server_pb_ScrubEcVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ScrubEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  ScrubEcVolume(argument: _volume_server_pb_ScrubEcVolumeRequest, callback: grpc.requestCallback<_volume_server_pb_ScrubEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  scrubEcVolume(argument: _volume_server_pb_ScrubEcVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ScrubEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  scrubEcVolume(argument: _volume_server_pb_ScrubEcVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_ScrubEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  scrubEcVolume(argument: _volume_server_pb_ScrubEcVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ScrubEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  scrubEcVolume(argument: _volume_server_pb_ScrubEcVolumeRequest, callback: grpc.requestCallback<_volume_server_pb_ScrubEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  
  ScrubVolume(argument: _volume_server_pb_ScrubVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ScrubVolumeResponse__Output>): grpc.ClientUnaryCall;
  ScrubVolume(argument: _volume_server_pb_ScrubVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_ScrubVolumeResponse__Output>): grpc.ClientUnaryCall;
  ScrubVolume(argument: _volume_server_pb_ScrubVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ScrubVolumeResponse__Output>): grpc.ClientUnaryCall;
  ScrubVolume(argument: _volume_server_pb_ScrubVolumeRequest, callback: grpc.requestCallback<_volume_server_pb_ScrubVolumeResponse__Output>): grpc.ClientUnaryCall;
  scrubVolume(argument: _volume_server_pb_ScrubVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ScrubVolumeResponse__Output>): grpc.ClientUnaryCall;
  scrubVolume(argument: _volume_server_pb_ScrubVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_ScrubVolumeResponse__Output>): grpc.ClientUnaryCall;
  scrubVolume(argument: _volume_server_pb_ScrubVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_ScrubVolumeResponse__Output>): grpc.ClientUnaryCall;
  scrubVolume(argument: _volume_server_pb_ScrubVolumeRequest, callback: grpc.requestCallback<_volume_server_pb_ScrubVolumeResponse__Output>): grpc.ClientUnaryCall;
  
  SetState(argument: _volume_server_pb_SetStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_SetStateResponse__Output>): grpc.ClientUnaryCall;
  SetState(argument: _volume_server_pb_SetStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_SetStateResponse__Output>): grpc.ClientUnaryCall;
  SetState(argument: _volume_server_pb_SetStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_SetStateResponse__Output>): grpc.ClientUnaryCall;
  SetState(argument: _volume_server_pb_SetStateRequest, callback: grpc.requestCallback<_volume_server_pb_SetStateResponse__Output>): grpc.ClientUnaryCall;
  setState(argument: _volume_server_pb_SetStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_SetStateResponse__Output>): grpc.ClientUnaryCall;
  setState(argument: _volume_server_pb_SetStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_SetStateResponse__Output>): grpc.ClientUnaryCall;
  setState(argument: _volume_server_pb_SetStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_SetStateResponse__Output>): grpc.ClientUnaryCall;
  setState(argument: _volume_server_pb_SetStateRequest, callback: grpc.requestCallback<_volume_server_pb_SetStateResponse__Output>): grpc.ClientUnaryCall;
  
  VacuumVolumeCheck(argument: _volume_server_pb_VacuumVolumeCheckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCheckResponse__Output>): grpc.ClientUnaryCall;
  VacuumVolumeCheck(argument: _volume_server_pb_VacuumVolumeCheckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCheckResponse__Output>): grpc.ClientUnaryCall;
  VacuumVolumeCheck(argument: _volume_server_pb_VacuumVolumeCheckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCheckResponse__Output>): grpc.ClientUnaryCall;
  VacuumVolumeCheck(argument: _volume_server_pb_VacuumVolumeCheckRequest, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCheckResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolumeCheck(argument: _volume_server_pb_VacuumVolumeCheckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCheckResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolumeCheck(argument: _volume_server_pb_VacuumVolumeCheckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCheckResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolumeCheck(argument: _volume_server_pb_VacuumVolumeCheckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCheckResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolumeCheck(argument: _volume_server_pb_VacuumVolumeCheckRequest, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCheckResponse__Output>): grpc.ClientUnaryCall;
  
  VacuumVolumeCleanup(argument: _volume_server_pb_VacuumVolumeCleanupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCleanupResponse__Output>): grpc.ClientUnaryCall;
  VacuumVolumeCleanup(argument: _volume_server_pb_VacuumVolumeCleanupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCleanupResponse__Output>): grpc.ClientUnaryCall;
  VacuumVolumeCleanup(argument: _volume_server_pb_VacuumVolumeCleanupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCleanupResponse__Output>): grpc.ClientUnaryCall;
  VacuumVolumeCleanup(argument: _volume_server_pb_VacuumVolumeCleanupRequest, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCleanupResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolumeCleanup(argument: _volume_server_pb_VacuumVolumeCleanupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCleanupResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolumeCleanup(argument: _volume_server_pb_VacuumVolumeCleanupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCleanupResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolumeCleanup(argument: _volume_server_pb_VacuumVolumeCleanupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCleanupResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolumeCleanup(argument: _volume_server_pb_VacuumVolumeCleanupRequest, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCleanupResponse__Output>): grpc.ClientUnaryCall;
  
  VacuumVolumeCommit(argument: _volume_server_pb_VacuumVolumeCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCommitResponse__Output>): grpc.ClientUnaryCall;
  VacuumVolumeCommit(argument: _volume_server_pb_VacuumVolumeCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCommitResponse__Output>): grpc.ClientUnaryCall;
  VacuumVolumeCommit(argument: _volume_server_pb_VacuumVolumeCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCommitResponse__Output>): grpc.ClientUnaryCall;
  VacuumVolumeCommit(argument: _volume_server_pb_VacuumVolumeCommitRequest, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCommitResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolumeCommit(argument: _volume_server_pb_VacuumVolumeCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCommitResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolumeCommit(argument: _volume_server_pb_VacuumVolumeCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCommitResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolumeCommit(argument: _volume_server_pb_VacuumVolumeCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCommitResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolumeCommit(argument: _volume_server_pb_VacuumVolumeCommitRequest, callback: grpc.requestCallback<_volume_server_pb_VacuumVolumeCommitResponse__Output>): grpc.ClientUnaryCall;
  
  VacuumVolumeCompact(argument: _volume_server_pb_VacuumVolumeCompactRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VacuumVolumeCompactResponse__Output>;
  VacuumVolumeCompact(argument: _volume_server_pb_VacuumVolumeCompactRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VacuumVolumeCompactResponse__Output>;
  vacuumVolumeCompact(argument: _volume_server_pb_VacuumVolumeCompactRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VacuumVolumeCompactResponse__Output>;
  vacuumVolumeCompact(argument: _volume_server_pb_VacuumVolumeCompactRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VacuumVolumeCompactResponse__Output>;
  
  VolumeConfigure(argument: _volume_server_pb_VolumeConfigureRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeConfigureResponse__Output>): grpc.ClientUnaryCall;
  VolumeConfigure(argument: _volume_server_pb_VolumeConfigureRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeConfigureResponse__Output>): grpc.ClientUnaryCall;
  VolumeConfigure(argument: _volume_server_pb_VolumeConfigureRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeConfigureResponse__Output>): grpc.ClientUnaryCall;
  VolumeConfigure(argument: _volume_server_pb_VolumeConfigureRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeConfigureResponse__Output>): grpc.ClientUnaryCall;
  volumeConfigure(argument: _volume_server_pb_VolumeConfigureRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeConfigureResponse__Output>): grpc.ClientUnaryCall;
  volumeConfigure(argument: _volume_server_pb_VolumeConfigureRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeConfigureResponse__Output>): grpc.ClientUnaryCall;
  volumeConfigure(argument: _volume_server_pb_VolumeConfigureRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeConfigureResponse__Output>): grpc.ClientUnaryCall;
  volumeConfigure(argument: _volume_server_pb_VolumeConfigureRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeConfigureResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeConsolidateIndex(argument: _volume_server_pb_VolumeConsolidateIndexRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeConsolidateIndexResponse__Output>): grpc.ClientUnaryCall;
  VolumeConsolidateIndex(argument: _volume_server_pb_VolumeConsolidateIndexRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeConsolidateIndexResponse__Output>): grpc.ClientUnaryCall;
  VolumeConsolidateIndex(argument: _volume_server_pb_VolumeConsolidateIndexRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeConsolidateIndexResponse__Output>): grpc.ClientUnaryCall;
  VolumeConsolidateIndex(argument: _volume_server_pb_VolumeConsolidateIndexRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeConsolidateIndexResponse__Output>): grpc.ClientUnaryCall;
  volumeConsolidateIndex(argument: _volume_server_pb_VolumeConsolidateIndexRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeConsolidateIndexResponse__Output>): grpc.ClientUnaryCall;
  volumeConsolidateIndex(argument: _volume_server_pb_VolumeConsolidateIndexRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeConsolidateIndexResponse__Output>): grpc.ClientUnaryCall;
  volumeConsolidateIndex(argument: _volume_server_pb_VolumeConsolidateIndexRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeConsolidateIndexResponse__Output>): grpc.ClientUnaryCall;
  volumeConsolidateIndex(argument: _volume_server_pb_VolumeConsolidateIndexRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeConsolidateIndexResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeCopy(argument: _volume_server_pb_VolumeCopyRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeCopyResponse__Output>;
  VolumeCopy(argument: _volume_server_pb_VolumeCopyRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeCopyResponse__Output>;
  volumeCopy(argument: _volume_server_pb_VolumeCopyRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeCopyResponse__Output>;
  volumeCopy(argument: _volume_server_pb_VolumeCopyRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeCopyResponse__Output>;
  
  VolumeDelete(argument: _volume_server_pb_VolumeDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeDeleteResponse__Output>): grpc.ClientUnaryCall;
  VolumeDelete(argument: _volume_server_pb_VolumeDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeDeleteResponse__Output>): grpc.ClientUnaryCall;
  VolumeDelete(argument: _volume_server_pb_VolumeDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeDeleteResponse__Output>): grpc.ClientUnaryCall;
  VolumeDelete(argument: _volume_server_pb_VolumeDeleteRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeDeleteResponse__Output>): grpc.ClientUnaryCall;
  volumeDelete(argument: _volume_server_pb_VolumeDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeDeleteResponse__Output>): grpc.ClientUnaryCall;
  volumeDelete(argument: _volume_server_pb_VolumeDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeDeleteResponse__Output>): grpc.ClientUnaryCall;
  volumeDelete(argument: _volume_server_pb_VolumeDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeDeleteResponse__Output>): grpc.ClientUnaryCall;
  volumeDelete(argument: _volume_server_pb_VolumeDeleteRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeDeleteResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeEcBlobDelete(argument: _volume_server_pb_VolumeEcBlobDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcBlobDeleteResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcBlobDelete(argument: _volume_server_pb_VolumeEcBlobDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcBlobDeleteResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcBlobDelete(argument: _volume_server_pb_VolumeEcBlobDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcBlobDeleteResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcBlobDelete(argument: _volume_server_pb_VolumeEcBlobDeleteRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcBlobDeleteResponse__Output>): grpc.ClientUnaryCall;
  volumeEcBlobDelete(argument: _volume_server_pb_VolumeEcBlobDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcBlobDeleteResponse__Output>): grpc.ClientUnaryCall;
  volumeEcBlobDelete(argument: _volume_server_pb_VolumeEcBlobDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcBlobDeleteResponse__Output>): grpc.ClientUnaryCall;
  volumeEcBlobDelete(argument: _volume_server_pb_VolumeEcBlobDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcBlobDeleteResponse__Output>): grpc.ClientUnaryCall;
  volumeEcBlobDelete(argument: _volume_server_pb_VolumeEcBlobDeleteRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcBlobDeleteResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeEcShardRead(argument: _volume_server_pb_VolumeEcShardReadRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeEcShardReadResponse__Output>;
  VolumeEcShardRead(argument: _volume_server_pb_VolumeEcShardReadRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeEcShardReadResponse__Output>;
  volumeEcShardRead(argument: _volume_server_pb_VolumeEcShardReadRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeEcShardReadResponse__Output>;
  volumeEcShardRead(argument: _volume_server_pb_VolumeEcShardReadRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeEcShardReadResponse__Output>;
  
  VolumeEcShardsCopy(argument: _volume_server_pb_VolumeEcShardsCopyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsCopyResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsCopy(argument: _volume_server_pb_VolumeEcShardsCopyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsCopyResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsCopy(argument: _volume_server_pb_VolumeEcShardsCopyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsCopyResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsCopy(argument: _volume_server_pb_VolumeEcShardsCopyRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsCopyResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsCopy(argument: _volume_server_pb_VolumeEcShardsCopyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsCopyResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsCopy(argument: _volume_server_pb_VolumeEcShardsCopyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsCopyResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsCopy(argument: _volume_server_pb_VolumeEcShardsCopyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsCopyResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsCopy(argument: _volume_server_pb_VolumeEcShardsCopyRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsCopyResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeEcShardsDelete(argument: _volume_server_pb_VolumeEcShardsDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsDeleteResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsDelete(argument: _volume_server_pb_VolumeEcShardsDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsDeleteResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsDelete(argument: _volume_server_pb_VolumeEcShardsDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsDeleteResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsDelete(argument: _volume_server_pb_VolumeEcShardsDeleteRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsDeleteResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsDelete(argument: _volume_server_pb_VolumeEcShardsDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsDeleteResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsDelete(argument: _volume_server_pb_VolumeEcShardsDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsDeleteResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsDelete(argument: _volume_server_pb_VolumeEcShardsDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsDeleteResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsDelete(argument: _volume_server_pb_VolumeEcShardsDeleteRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsDeleteResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeEcShardsGenerate(argument: _volume_server_pb_VolumeEcShardsGenerateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsGenerateResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsGenerate(argument: _volume_server_pb_VolumeEcShardsGenerateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsGenerateResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsGenerate(argument: _volume_server_pb_VolumeEcShardsGenerateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsGenerateResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsGenerate(argument: _volume_server_pb_VolumeEcShardsGenerateRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsGenerateResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsGenerate(argument: _volume_server_pb_VolumeEcShardsGenerateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsGenerateResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsGenerate(argument: _volume_server_pb_VolumeEcShardsGenerateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsGenerateResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsGenerate(argument: _volume_server_pb_VolumeEcShardsGenerateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsGenerateResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsGenerate(argument: _volume_server_pb_VolumeEcShardsGenerateRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsGenerateResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeEcShardsInfo(argument: _volume_server_pb_VolumeEcShardsInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsInfoResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsInfo(argument: _volume_server_pb_VolumeEcShardsInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsInfoResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsInfo(argument: _volume_server_pb_VolumeEcShardsInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsInfoResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsInfo(argument: _volume_server_pb_VolumeEcShardsInfoRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsInfoResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsInfo(argument: _volume_server_pb_VolumeEcShardsInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsInfoResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsInfo(argument: _volume_server_pb_VolumeEcShardsInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsInfoResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsInfo(argument: _volume_server_pb_VolumeEcShardsInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsInfoResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsInfo(argument: _volume_server_pb_VolumeEcShardsInfoRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsInfoResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeEcShardsMount(argument: _volume_server_pb_VolumeEcShardsMountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsMountResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsMount(argument: _volume_server_pb_VolumeEcShardsMountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsMountResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsMount(argument: _volume_server_pb_VolumeEcShardsMountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsMountResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsMount(argument: _volume_server_pb_VolumeEcShardsMountRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsMountResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsMount(argument: _volume_server_pb_VolumeEcShardsMountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsMountResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsMount(argument: _volume_server_pb_VolumeEcShardsMountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsMountResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsMount(argument: _volume_server_pb_VolumeEcShardsMountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsMountResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsMount(argument: _volume_server_pb_VolumeEcShardsMountRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsMountResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeEcShardsRebuild(argument: _volume_server_pb_VolumeEcShardsRebuildRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsRebuildResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsRebuild(argument: _volume_server_pb_VolumeEcShardsRebuildRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsRebuildResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsRebuild(argument: _volume_server_pb_VolumeEcShardsRebuildRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsRebuildResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsRebuild(argument: _volume_server_pb_VolumeEcShardsRebuildRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsRebuildResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsRebuild(argument: _volume_server_pb_VolumeEcShardsRebuildRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsRebuildResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsRebuild(argument: _volume_server_pb_VolumeEcShardsRebuildRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsRebuildResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsRebuild(argument: _volume_server_pb_VolumeEcShardsRebuildRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsRebuildResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsRebuild(argument: _volume_server_pb_VolumeEcShardsRebuildRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsRebuildResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeEcShardsToVolume(argument: _volume_server_pb_VolumeEcShardsToVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsToVolumeResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsToVolume(argument: _volume_server_pb_VolumeEcShardsToVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsToVolumeResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsToVolume(argument: _volume_server_pb_VolumeEcShardsToVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsToVolumeResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsToVolume(argument: _volume_server_pb_VolumeEcShardsToVolumeRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsToVolumeResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsToVolume(argument: _volume_server_pb_VolumeEcShardsToVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsToVolumeResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsToVolume(argument: _volume_server_pb_VolumeEcShardsToVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsToVolumeResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsToVolume(argument: _volume_server_pb_VolumeEcShardsToVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsToVolumeResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsToVolume(argument: _volume_server_pb_VolumeEcShardsToVolumeRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsToVolumeResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeEcShardsUnmount(argument: _volume_server_pb_VolumeEcShardsUnmountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsUnmountResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsUnmount(argument: _volume_server_pb_VolumeEcShardsUnmountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsUnmountResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsUnmount(argument: _volume_server_pb_VolumeEcShardsUnmountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsUnmountResponse__Output>): grpc.ClientUnaryCall;
  VolumeEcShardsUnmount(argument: _volume_server_pb_VolumeEcShardsUnmountRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsUnmountResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsUnmount(argument: _volume_server_pb_VolumeEcShardsUnmountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsUnmountResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsUnmount(argument: _volume_server_pb_VolumeEcShardsUnmountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsUnmountResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsUnmount(argument: _volume_server_pb_VolumeEcShardsUnmountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsUnmountResponse__Output>): grpc.ClientUnaryCall;
  volumeEcShardsUnmount(argument: _volume_server_pb_VolumeEcShardsUnmountRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeEcShardsUnmountResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeIncrementalCopy(argument: _volume_server_pb_VolumeIncrementalCopyRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeIncrementalCopyResponse__Output>;
  VolumeIncrementalCopy(argument: _volume_server_pb_VolumeIncrementalCopyRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeIncrementalCopyResponse__Output>;
  volumeIncrementalCopy(argument: _volume_server_pb_VolumeIncrementalCopyRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeIncrementalCopyResponse__Output>;
  volumeIncrementalCopy(argument: _volume_server_pb_VolumeIncrementalCopyRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeIncrementalCopyResponse__Output>;
  
  VolumeMarkReadonly(argument: _volume_server_pb_VolumeMarkReadonlyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  VolumeMarkReadonly(argument: _volume_server_pb_VolumeMarkReadonlyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  VolumeMarkReadonly(argument: _volume_server_pb_VolumeMarkReadonlyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  VolumeMarkReadonly(argument: _volume_server_pb_VolumeMarkReadonlyRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  volumeMarkReadonly(argument: _volume_server_pb_VolumeMarkReadonlyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  volumeMarkReadonly(argument: _volume_server_pb_VolumeMarkReadonlyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  volumeMarkReadonly(argument: _volume_server_pb_VolumeMarkReadonlyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  volumeMarkReadonly(argument: _volume_server_pb_VolumeMarkReadonlyRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeMarkWritable(argument: _volume_server_pb_VolumeMarkWritableRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkWritableResponse__Output>): grpc.ClientUnaryCall;
  VolumeMarkWritable(argument: _volume_server_pb_VolumeMarkWritableRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkWritableResponse__Output>): grpc.ClientUnaryCall;
  VolumeMarkWritable(argument: _volume_server_pb_VolumeMarkWritableRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkWritableResponse__Output>): grpc.ClientUnaryCall;
  VolumeMarkWritable(argument: _volume_server_pb_VolumeMarkWritableRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkWritableResponse__Output>): grpc.ClientUnaryCall;
  volumeMarkWritable(argument: _volume_server_pb_VolumeMarkWritableRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkWritableResponse__Output>): grpc.ClientUnaryCall;
  volumeMarkWritable(argument: _volume_server_pb_VolumeMarkWritableRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkWritableResponse__Output>): grpc.ClientUnaryCall;
  volumeMarkWritable(argument: _volume_server_pb_VolumeMarkWritableRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkWritableResponse__Output>): grpc.ClientUnaryCall;
  volumeMarkWritable(argument: _volume_server_pb_VolumeMarkWritableRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeMarkWritableResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeMount(argument: _volume_server_pb_VolumeMountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeMountResponse__Output>): grpc.ClientUnaryCall;
  VolumeMount(argument: _volume_server_pb_VolumeMountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeMountResponse__Output>): grpc.ClientUnaryCall;
  VolumeMount(argument: _volume_server_pb_VolumeMountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeMountResponse__Output>): grpc.ClientUnaryCall;
  VolumeMount(argument: _volume_server_pb_VolumeMountRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeMountResponse__Output>): grpc.ClientUnaryCall;
  volumeMount(argument: _volume_server_pb_VolumeMountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeMountResponse__Output>): grpc.ClientUnaryCall;
  volumeMount(argument: _volume_server_pb_VolumeMountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeMountResponse__Output>): grpc.ClientUnaryCall;
  volumeMount(argument: _volume_server_pb_VolumeMountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeMountResponse__Output>): grpc.ClientUnaryCall;
  volumeMount(argument: _volume_server_pb_VolumeMountRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeMountResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeNeedleStatus(argument: _volume_server_pb_VolumeNeedleStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeNeedleStatusResponse__Output>): grpc.ClientUnaryCall;
  VolumeNeedleStatus(argument: _volume_server_pb_VolumeNeedleStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeNeedleStatusResponse__Output>): grpc.ClientUnaryCall;
  VolumeNeedleStatus(argument: _volume_server_pb_VolumeNeedleStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeNeedleStatusResponse__Output>): grpc.ClientUnaryCall;
  VolumeNeedleStatus(argument: _volume_server_pb_VolumeNeedleStatusRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeNeedleStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeNeedleStatus(argument: _volume_server_pb_VolumeNeedleStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeNeedleStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeNeedleStatus(argument: _volume_server_pb_VolumeNeedleStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeNeedleStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeNeedleStatus(argument: _volume_server_pb_VolumeNeedleStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeNeedleStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeNeedleStatus(argument: _volume_server_pb_VolumeNeedleStatusRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeNeedleStatusResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeServerLeave(argument: _volume_server_pb_VolumeServerLeaveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeServerLeaveResponse__Output>): grpc.ClientUnaryCall;
  VolumeServerLeave(argument: _volume_server_pb_VolumeServerLeaveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeServerLeaveResponse__Output>): grpc.ClientUnaryCall;
  VolumeServerLeave(argument: _volume_server_pb_VolumeServerLeaveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeServerLeaveResponse__Output>): grpc.ClientUnaryCall;
  VolumeServerLeave(argument: _volume_server_pb_VolumeServerLeaveRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeServerLeaveResponse__Output>): grpc.ClientUnaryCall;
  volumeServerLeave(argument: _volume_server_pb_VolumeServerLeaveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeServerLeaveResponse__Output>): grpc.ClientUnaryCall;
  volumeServerLeave(argument: _volume_server_pb_VolumeServerLeaveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeServerLeaveResponse__Output>): grpc.ClientUnaryCall;
  volumeServerLeave(argument: _volume_server_pb_VolumeServerLeaveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeServerLeaveResponse__Output>): grpc.ClientUnaryCall;
  volumeServerLeave(argument: _volume_server_pb_VolumeServerLeaveRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeServerLeaveResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeServerStatus(argument: _volume_server_pb_VolumeServerStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeServerStatusResponse__Output>): grpc.ClientUnaryCall;
  VolumeServerStatus(argument: _volume_server_pb_VolumeServerStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeServerStatusResponse__Output>): grpc.ClientUnaryCall;
  VolumeServerStatus(argument: _volume_server_pb_VolumeServerStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeServerStatusResponse__Output>): grpc.ClientUnaryCall;
  VolumeServerStatus(argument: _volume_server_pb_VolumeServerStatusRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeServerStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeServerStatus(argument: _volume_server_pb_VolumeServerStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeServerStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeServerStatus(argument: _volume_server_pb_VolumeServerStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeServerStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeServerStatus(argument: _volume_server_pb_VolumeServerStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeServerStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeServerStatus(argument: _volume_server_pb_VolumeServerStatusRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeServerStatusResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeStatus(argument: _volume_server_pb_VolumeStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeStatusResponse__Output>): grpc.ClientUnaryCall;
  VolumeStatus(argument: _volume_server_pb_VolumeStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeStatusResponse__Output>): grpc.ClientUnaryCall;
  VolumeStatus(argument: _volume_server_pb_VolumeStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeStatusResponse__Output>): grpc.ClientUnaryCall;
  VolumeStatus(argument: _volume_server_pb_VolumeStatusRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeStatus(argument: _volume_server_pb_VolumeStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeStatus(argument: _volume_server_pb_VolumeStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeStatus(argument: _volume_server_pb_VolumeStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeStatus(argument: _volume_server_pb_VolumeStatusRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeStatusResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeSyncStatus(argument: _volume_server_pb_VolumeSyncStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeSyncStatusResponse__Output>): grpc.ClientUnaryCall;
  VolumeSyncStatus(argument: _volume_server_pb_VolumeSyncStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeSyncStatusResponse__Output>): grpc.ClientUnaryCall;
  VolumeSyncStatus(argument: _volume_server_pb_VolumeSyncStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeSyncStatusResponse__Output>): grpc.ClientUnaryCall;
  VolumeSyncStatus(argument: _volume_server_pb_VolumeSyncStatusRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeSyncStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeSyncStatus(argument: _volume_server_pb_VolumeSyncStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeSyncStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeSyncStatus(argument: _volume_server_pb_VolumeSyncStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeSyncStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeSyncStatus(argument: _volume_server_pb_VolumeSyncStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeSyncStatusResponse__Output>): grpc.ClientUnaryCall;
  volumeSyncStatus(argument: _volume_server_pb_VolumeSyncStatusRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeSyncStatusResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeTailReceiver(argument: _volume_server_pb_VolumeTailReceiverRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeTailReceiverResponse__Output>): grpc.ClientUnaryCall;
  VolumeTailReceiver(argument: _volume_server_pb_VolumeTailReceiverRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeTailReceiverResponse__Output>): grpc.ClientUnaryCall;
  VolumeTailReceiver(argument: _volume_server_pb_VolumeTailReceiverRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeTailReceiverResponse__Output>): grpc.ClientUnaryCall;
  VolumeTailReceiver(argument: _volume_server_pb_VolumeTailReceiverRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeTailReceiverResponse__Output>): grpc.ClientUnaryCall;
  volumeTailReceiver(argument: _volume_server_pb_VolumeTailReceiverRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeTailReceiverResponse__Output>): grpc.ClientUnaryCall;
  volumeTailReceiver(argument: _volume_server_pb_VolumeTailReceiverRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeTailReceiverResponse__Output>): grpc.ClientUnaryCall;
  volumeTailReceiver(argument: _volume_server_pb_VolumeTailReceiverRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeTailReceiverResponse__Output>): grpc.ClientUnaryCall;
  volumeTailReceiver(argument: _volume_server_pb_VolumeTailReceiverRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeTailReceiverResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeTailSender(argument: _volume_server_pb_VolumeTailSenderRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeTailSenderResponse__Output>;
  VolumeTailSender(argument: _volume_server_pb_VolumeTailSenderRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeTailSenderResponse__Output>;
  volumeTailSender(argument: _volume_server_pb_VolumeTailSenderRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeTailSenderResponse__Output>;
  volumeTailSender(argument: _volume_server_pb_VolumeTailSenderRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeTailSenderResponse__Output>;
  
  VolumeTierMoveDatFromRemote(argument: _volume_server_pb_VolumeTierMoveDatFromRemoteRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeTierMoveDatFromRemoteResponse__Output>;
  VolumeTierMoveDatFromRemote(argument: _volume_server_pb_VolumeTierMoveDatFromRemoteRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeTierMoveDatFromRemoteResponse__Output>;
  volumeTierMoveDatFromRemote(argument: _volume_server_pb_VolumeTierMoveDatFromRemoteRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeTierMoveDatFromRemoteResponse__Output>;
  volumeTierMoveDatFromRemote(argument: _volume_server_pb_VolumeTierMoveDatFromRemoteRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeTierMoveDatFromRemoteResponse__Output>;
  
  VolumeTierMoveDatToRemote(argument: _volume_server_pb_VolumeTierMoveDatToRemoteRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeTierMoveDatToRemoteResponse__Output>;
  VolumeTierMoveDatToRemote(argument: _volume_server_pb_VolumeTierMoveDatToRemoteRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeTierMoveDatToRemoteResponse__Output>;
  volumeTierMoveDatToRemote(argument: _volume_server_pb_VolumeTierMoveDatToRemoteRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeTierMoveDatToRemoteResponse__Output>;
  volumeTierMoveDatToRemote(argument: _volume_server_pb_VolumeTierMoveDatToRemoteRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_volume_server_pb_VolumeTierMoveDatToRemoteResponse__Output>;
  
  VolumeUnmount(argument: _volume_server_pb_VolumeUnmountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeUnmountResponse__Output>): grpc.ClientUnaryCall;
  VolumeUnmount(argument: _volume_server_pb_VolumeUnmountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeUnmountResponse__Output>): grpc.ClientUnaryCall;
  VolumeUnmount(argument: _volume_server_pb_VolumeUnmountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeUnmountResponse__Output>): grpc.ClientUnaryCall;
  VolumeUnmount(argument: _volume_server_pb_VolumeUnmountRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeUnmountResponse__Output>): grpc.ClientUnaryCall;
  volumeUnmount(argument: _volume_server_pb_VolumeUnmountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeUnmountResponse__Output>): grpc.ClientUnaryCall;
  volumeUnmount(argument: _volume_server_pb_VolumeUnmountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_VolumeUnmountResponse__Output>): grpc.ClientUnaryCall;
  volumeUnmount(argument: _volume_server_pb_VolumeUnmountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_VolumeUnmountResponse__Output>): grpc.ClientUnaryCall;
  volumeUnmount(argument: _volume_server_pb_VolumeUnmountRequest, callback: grpc.requestCallback<_volume_server_pb_VolumeUnmountResponse__Output>): grpc.ClientUnaryCall;
  
  WriteNeedleBlob(argument: _volume_server_pb_WriteNeedleBlobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_WriteNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  WriteNeedleBlob(argument: _volume_server_pb_WriteNeedleBlobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_WriteNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  WriteNeedleBlob(argument: _volume_server_pb_WriteNeedleBlobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_WriteNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  WriteNeedleBlob(argument: _volume_server_pb_WriteNeedleBlobRequest, callback: grpc.requestCallback<_volume_server_pb_WriteNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  writeNeedleBlob(argument: _volume_server_pb_WriteNeedleBlobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_WriteNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  writeNeedleBlob(argument: _volume_server_pb_WriteNeedleBlobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_volume_server_pb_WriteNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  writeNeedleBlob(argument: _volume_server_pb_WriteNeedleBlobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_volume_server_pb_WriteNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  writeNeedleBlob(argument: _volume_server_pb_WriteNeedleBlobRequest, callback: grpc.requestCallback<_volume_server_pb_WriteNeedleBlobResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface VolumeServerHandlers extends grpc.UntypedServiceImplementation {
  AllocateVolume: grpc.handleUnaryCall<_volume_server_pb_AllocateVolumeRequest__Output, _volume_server_pb_AllocateVolumeResponse>;
  
  BatchDelete: grpc.handleUnaryCall<_volume_server_pb_BatchDeleteRequest__Output, _volume_server_pb_BatchDeleteResponse>;
  
  CopyFile: grpc.handleServerStreamingCall<_volume_server_pb_CopyFileRequest__Output, _volume_server_pb_CopyFileResponse>;
  
  DeleteCollection: grpc.handleUnaryCall<_volume_server_pb_DeleteCollectionRequest__Output, _volume_server_pb_DeleteCollectionResponse>;
  
  FetchAndWriteNeedle: grpc.handleUnaryCall<_volume_server_pb_FetchAndWriteNeedleRequest__Output, _volume_server_pb_FetchAndWriteNeedleResponse>;
  
  GetState: grpc.handleUnaryCall<_volume_server_pb_GetStateRequest__Output, _volume_server_pb_GetStateResponse>;
  
  Ping: grpc.handleUnaryCall<_volume_server_pb_PingRequest__Output, _volume_server_pb_PingResponse>;
  
  Query: grpc.handleServerStreamingCall<_volume_server_pb_QueryRequest__Output, _volume_server_pb_QueriedStripe>;
  
  ReadAllNeedles: grpc.handleServerStreamingCall<_volume_server_pb_ReadAllNeedlesRequest__Output, _volume_server_pb_ReadAllNeedlesResponse>;
  
  ReadNeedleBlob: grpc.handleUnaryCall<_volume_server_pb_ReadNeedleBlobRequest__Output, _volume_server_pb_ReadNeedleBlobResponse>;
  
  ReadNeedleMeta: grpc.handleUnaryCall<_volume_server_pb_ReadNeedleMetaRequest__Output, _volume_server_pb_ReadNeedleMetaResponse>;
  
  ReadVolumeFileStatus: grpc.handleUnaryCall<_volume_server_pb_ReadVolumeFileStatusRequest__Output, _volume_server_pb_ReadVolumeFileStatusResponse>;
  
  ReceiveFile: grpc.handleClientStreamingCall<_volume_server_pb_ReceiveFileRequest__Output, _volume_server_pb_ReceiveFileResponse>;
  
  ScrubEcVolume: grpc.handleUnaryCall<_volume_server_pb_ScrubEcVolumeRequest__Output, _volume_server_pb_ScrubEcVolumeResponse>;
  
  ScrubVolume: grpc.handleUnaryCall<_volume_server_pb_ScrubVolumeRequest__Output, _volume_server_pb_ScrubVolumeResponse>;
  
  SetState: grpc.handleUnaryCall<_volume_server_pb_SetStateRequest__Output, _volume_server_pb_SetStateResponse>;
  
  VacuumVolumeCheck: grpc.handleUnaryCall<_volume_server_pb_VacuumVolumeCheckRequest__Output, _volume_server_pb_VacuumVolumeCheckResponse>;
  
  VacuumVolumeCleanup: grpc.handleUnaryCall<_volume_server_pb_VacuumVolumeCleanupRequest__Output, _volume_server_pb_VacuumVolumeCleanupResponse>;
  
  VacuumVolumeCommit: grpc.handleUnaryCall<_volume_server_pb_VacuumVolumeCommitRequest__Output, _volume_server_pb_VacuumVolumeCommitResponse>;
  
  VacuumVolumeCompact: grpc.handleServerStreamingCall<_volume_server_pb_VacuumVolumeCompactRequest__Output, _volume_server_pb_VacuumVolumeCompactResponse>;
  
  VolumeConfigure: grpc.handleUnaryCall<_volume_server_pb_VolumeConfigureRequest__Output, _volume_server_pb_VolumeConfigureResponse>;
  
  VolumeConsolidateIndex: grpc.handleUnaryCall<_volume_server_pb_VolumeConsolidateIndexRequest__Output, _volume_server_pb_VolumeConsolidateIndexResponse>;
  
  VolumeCopy: grpc.handleServerStreamingCall<_volume_server_pb_VolumeCopyRequest__Output, _volume_server_pb_VolumeCopyResponse>;
  
  VolumeDelete: grpc.handleUnaryCall<_volume_server_pb_VolumeDeleteRequest__Output, _volume_server_pb_VolumeDeleteResponse>;
  
  VolumeEcBlobDelete: grpc.handleUnaryCall<_volume_server_pb_VolumeEcBlobDeleteRequest__Output, _volume_server_pb_VolumeEcBlobDeleteResponse>;
  
  VolumeEcShardRead: grpc.handleServerStreamingCall<_volume_server_pb_VolumeEcShardReadRequest__Output, _volume_server_pb_VolumeEcShardReadResponse>;
  
  VolumeEcShardsCopy: grpc.handleUnaryCall<_volume_server_pb_VolumeEcShardsCopyRequest__Output, _volume_server_pb_VolumeEcShardsCopyResponse>;
  
  VolumeEcShardsDelete: grpc.handleUnaryCall<_volume_server_pb_VolumeEcShardsDeleteRequest__Output, _volume_server_pb_VolumeEcShardsDeleteResponse>;
  
  VolumeEcShardsGenerate: grpc.handleUnaryCall<_volume_server_pb_VolumeEcShardsGenerateRequest__Output, _volume_server_pb_VolumeEcShardsGenerateResponse>;
  
  VolumeEcShardsInfo: grpc.handleUnaryCall<_volume_server_pb_VolumeEcShardsInfoRequest__Output, _volume_server_pb_VolumeEcShardsInfoResponse>;
  
  VolumeEcShardsMount: grpc.handleUnaryCall<_volume_server_pb_VolumeEcShardsMountRequest__Output, _volume_server_pb_VolumeEcShardsMountResponse>;
  
  VolumeEcShardsRebuild: grpc.handleUnaryCall<_volume_server_pb_VolumeEcShardsRebuildRequest__Output, _volume_server_pb_VolumeEcShardsRebuildResponse>;
  
  VolumeEcShardsToVolume: grpc.handleUnaryCall<_volume_server_pb_VolumeEcShardsToVolumeRequest__Output, _volume_server_pb_VolumeEcShardsToVolumeResponse>;
  
  VolumeEcShardsUnmount: grpc.handleUnaryCall<_volume_server_pb_VolumeEcShardsUnmountRequest__Output, _volume_server_pb_VolumeEcShardsUnmountResponse>;
  
  VolumeIncrementalCopy: grpc.handleServerStreamingCall<_volume_server_pb_VolumeIncrementalCopyRequest__Output, _volume_server_pb_VolumeIncrementalCopyResponse>;
  
  VolumeMarkReadonly: grpc.handleUnaryCall<_volume_server_pb_VolumeMarkReadonlyRequest__Output, _volume_server_pb_VolumeMarkReadonlyResponse>;
  
  VolumeMarkWritable: grpc.handleUnaryCall<_volume_server_pb_VolumeMarkWritableRequest__Output, _volume_server_pb_VolumeMarkWritableResponse>;
  
  VolumeMount: grpc.handleUnaryCall<_volume_server_pb_VolumeMountRequest__Output, _volume_server_pb_VolumeMountResponse>;
  
  VolumeNeedleStatus: grpc.handleUnaryCall<_volume_server_pb_VolumeNeedleStatusRequest__Output, _volume_server_pb_VolumeNeedleStatusResponse>;
  
  VolumeServerLeave: grpc.handleUnaryCall<_volume_server_pb_VolumeServerLeaveRequest__Output, _volume_server_pb_VolumeServerLeaveResponse>;
  
  VolumeServerStatus: grpc.handleUnaryCall<_volume_server_pb_VolumeServerStatusRequest__Output, _volume_server_pb_VolumeServerStatusResponse>;
  
  VolumeStatus: grpc.handleUnaryCall<_volume_server_pb_VolumeStatusRequest__Output, _volume_server_pb_VolumeStatusResponse>;
  
  VolumeSyncStatus: grpc.handleUnaryCall<_volume_server_pb_VolumeSyncStatusRequest__Output, _volume_server_pb_VolumeSyncStatusResponse>;
  
  VolumeTailReceiver: grpc.handleUnaryCall<_volume_server_pb_VolumeTailReceiverRequest__Output, _volume_server_pb_VolumeTailReceiverResponse>;
  
  VolumeTailSender: grpc.handleServerStreamingCall<_volume_server_pb_VolumeTailSenderRequest__Output, _volume_server_pb_VolumeTailSenderResponse>;
  
  VolumeTierMoveDatFromRemote: grpc.handleServerStreamingCall<_volume_server_pb_VolumeTierMoveDatFromRemoteRequest__Output, _volume_server_pb_VolumeTierMoveDatFromRemoteResponse>;
  
  VolumeTierMoveDatToRemote: grpc.handleServerStreamingCall<_volume_server_pb_VolumeTierMoveDatToRemoteRequest__Output, _volume_server_pb_VolumeTierMoveDatToRemoteResponse>;
  
  VolumeUnmount: grpc.handleUnaryCall<_volume_server_pb_VolumeUnmountRequest__Output, _volume_server_pb_VolumeUnmountResponse>;
  
  WriteNeedleBlob: grpc.handleUnaryCall<_volume_server_pb_WriteNeedleBlobRequest__Output, _volume_server_pb_WriteNeedleBlobResponse>;
  
}

export interface VolumeServerDefinition extends grpc.ServiceDefinition {
  AllocateVolume: MethodDefinition<_volume_server_pb_AllocateVolumeRequest, _volume_server_pb_AllocateVolumeResponse, _volume_server_pb_AllocateVolumeRequest__Output, _volume_server_pb_AllocateVolumeResponse__Output>
  BatchDelete: MethodDefinition<_volume_server_pb_BatchDeleteRequest, _volume_server_pb_BatchDeleteResponse, _volume_server_pb_BatchDeleteRequest__Output, _volume_server_pb_BatchDeleteResponse__Output>
  CopyFile: MethodDefinition<_volume_server_pb_CopyFileRequest, _volume_server_pb_CopyFileResponse, _volume_server_pb_CopyFileRequest__Output, _volume_server_pb_CopyFileResponse__Output>
  DeleteCollection: MethodDefinition<_volume_server_pb_DeleteCollectionRequest, _volume_server_pb_DeleteCollectionResponse, _volume_server_pb_DeleteCollectionRequest__Output, _volume_server_pb_DeleteCollectionResponse__Output>
  FetchAndWriteNeedle: MethodDefinition<_volume_server_pb_FetchAndWriteNeedleRequest, _volume_server_pb_FetchAndWriteNeedleResponse, _volume_server_pb_FetchAndWriteNeedleRequest__Output, _volume_server_pb_FetchAndWriteNeedleResponse__Output>
  GetState: MethodDefinition<_volume_server_pb_GetStateRequest, _volume_server_pb_GetStateResponse, _volume_server_pb_GetStateRequest__Output, _volume_server_pb_GetStateResponse__Output>
  Ping: MethodDefinition<_volume_server_pb_PingRequest, _volume_server_pb_PingResponse, _volume_server_pb_PingRequest__Output, _volume_server_pb_PingResponse__Output>
  Query: MethodDefinition<_volume_server_pb_QueryRequest, _volume_server_pb_QueriedStripe, _volume_server_pb_QueryRequest__Output, _volume_server_pb_QueriedStripe__Output>
  ReadAllNeedles: MethodDefinition<_volume_server_pb_ReadAllNeedlesRequest, _volume_server_pb_ReadAllNeedlesResponse, _volume_server_pb_ReadAllNeedlesRequest__Output, _volume_server_pb_ReadAllNeedlesResponse__Output>
  ReadNeedleBlob: MethodDefinition<_volume_server_pb_ReadNeedleBlobRequest, _volume_server_pb_ReadNeedleBlobResponse, _volume_server_pb_ReadNeedleBlobRequest__Output, _volume_server_pb_ReadNeedleBlobResponse__Output>
  ReadNeedleMeta: MethodDefinition<_volume_server_pb_ReadNeedleMetaRequest, _volume_server_pb_ReadNeedleMetaResponse, _volume_server_pb_ReadNeedleMetaRequest__Output, _volume_server_pb_ReadNeedleMetaResponse__Output>
  ReadVolumeFileStatus: MethodDefinition<_volume_server_pb_ReadVolumeFileStatusRequest, _volume_server_pb_ReadVolumeFileStatusResponse, _volume_server_pb_ReadVolumeFileStatusRequest__Output, _volume_server_pb_ReadVolumeFileStatusResponse__Output>
  ReceiveFile: MethodDefinition<_volume_server_pb_ReceiveFileRequest, _volume_server_pb_ReceiveFileResponse, _volume_server_pb_ReceiveFileRequest__Output, _volume_server_pb_ReceiveFileResponse__Output>
  ScrubEcVolume: MethodDefinition<_volume_server_pb_ScrubEcVolumeRequest, _volume_server_pb_ScrubEcVolumeResponse, _volume_server_pb_ScrubEcVolumeRequest__Output, _volume_server_pb_ScrubEcVolumeResponse__Output>
  ScrubVolume: MethodDefinition<_volume_server_pb_ScrubVolumeRequest, _volume_server_pb_ScrubVolumeResponse, _volume_server_pb_ScrubVolumeRequest__Output, _volume_server_pb_ScrubVolumeResponse__Output>
  SetState: MethodDefinition<_volume_server_pb_SetStateRequest, _volume_server_pb_SetStateResponse, _volume_server_pb_SetStateRequest__Output, _volume_server_pb_SetStateResponse__Output>
  VacuumVolumeCheck: MethodDefinition<_volume_server_pb_VacuumVolumeCheckRequest, _volume_server_pb_VacuumVolumeCheckResponse, _volume_server_pb_VacuumVolumeCheckRequest__Output, _volume_server_pb_VacuumVolumeCheckResponse__Output>
  VacuumVolumeCleanup: MethodDefinition<_volume_server_pb_VacuumVolumeCleanupRequest, _volume_server_pb_VacuumVolumeCleanupResponse, _volume_server_pb_VacuumVolumeCleanupRequest__Output, _volume_server_pb_VacuumVolumeCleanupResponse__Output>
  VacuumVolumeCommit: MethodDefinition<_volume_server_pb_VacuumVolumeCommitRequest, _volume_server_pb_VacuumVolumeCommitResponse, _volume_server_pb_VacuumVolumeCommitRequest__Output, _volume_server_pb_VacuumVolumeCommitResponse__Output>
  VacuumVolumeCompact: MethodDefinition<_volume_server_pb_VacuumVolumeCompactRequest, _volume_server_pb_VacuumVolumeCompactResponse, _volume_server_pb_VacuumVolumeCompactRequest__Output, _volume_server_pb_VacuumVolumeCompactResponse__Output>
  VolumeConfigure: MethodDefinition<_volume_server_pb_VolumeConfigureRequest, _volume_server_pb_VolumeConfigureResponse, _volume_server_pb_VolumeConfigureRequest__Output, _volume_server_pb_VolumeConfigureResponse__Output>
  VolumeConsolidateIndex: MethodDefinition<_volume_server_pb_VolumeConsolidateIndexRequest, _volume_server_pb_VolumeConsolidateIndexResponse, _volume_server_pb_VolumeConsolidateIndexRequest__Output, _volume_server_pb_VolumeConsolidateIndexResponse__Output>
  VolumeCopy: MethodDefinition<_volume_server_pb_VolumeCopyRequest, _volume_server_pb_VolumeCopyResponse, _volume_server_pb_VolumeCopyRequest__Output, _volume_server_pb_VolumeCopyResponse__Output>
  VolumeDelete: MethodDefinition<_volume_server_pb_VolumeDeleteRequest, _volume_server_pb_VolumeDeleteResponse, _volume_server_pb_VolumeDeleteRequest__Output, _volume_server_pb_VolumeDeleteResponse__Output>
  VolumeEcBlobDelete: MethodDefinition<_volume_server_pb_VolumeEcBlobDeleteRequest, _volume_server_pb_VolumeEcBlobDeleteResponse, _volume_server_pb_VolumeEcBlobDeleteRequest__Output, _volume_server_pb_VolumeEcBlobDeleteResponse__Output>
  VolumeEcShardRead: MethodDefinition<_volume_server_pb_VolumeEcShardReadRequest, _volume_server_pb_VolumeEcShardReadResponse, _volume_server_pb_VolumeEcShardReadRequest__Output, _volume_server_pb_VolumeEcShardReadResponse__Output>
  VolumeEcShardsCopy: MethodDefinition<_volume_server_pb_VolumeEcShardsCopyRequest, _volume_server_pb_VolumeEcShardsCopyResponse, _volume_server_pb_VolumeEcShardsCopyRequest__Output, _volume_server_pb_VolumeEcShardsCopyResponse__Output>
  VolumeEcShardsDelete: MethodDefinition<_volume_server_pb_VolumeEcShardsDeleteRequest, _volume_server_pb_VolumeEcShardsDeleteResponse, _volume_server_pb_VolumeEcShardsDeleteRequest__Output, _volume_server_pb_VolumeEcShardsDeleteResponse__Output>
  VolumeEcShardsGenerate: MethodDefinition<_volume_server_pb_VolumeEcShardsGenerateRequest, _volume_server_pb_VolumeEcShardsGenerateResponse, _volume_server_pb_VolumeEcShardsGenerateRequest__Output, _volume_server_pb_VolumeEcShardsGenerateResponse__Output>
  VolumeEcShardsInfo: MethodDefinition<_volume_server_pb_VolumeEcShardsInfoRequest, _volume_server_pb_VolumeEcShardsInfoResponse, _volume_server_pb_VolumeEcShardsInfoRequest__Output, _volume_server_pb_VolumeEcShardsInfoResponse__Output>
  VolumeEcShardsMount: MethodDefinition<_volume_server_pb_VolumeEcShardsMountRequest, _volume_server_pb_VolumeEcShardsMountResponse, _volume_server_pb_VolumeEcShardsMountRequest__Output, _volume_server_pb_VolumeEcShardsMountResponse__Output>
  VolumeEcShardsRebuild: MethodDefinition<_volume_server_pb_VolumeEcShardsRebuildRequest, _volume_server_pb_VolumeEcShardsRebuildResponse, _volume_server_pb_VolumeEcShardsRebuildRequest__Output, _volume_server_pb_VolumeEcShardsRebuildResponse__Output>
  VolumeEcShardsToVolume: MethodDefinition<_volume_server_pb_VolumeEcShardsToVolumeRequest, _volume_server_pb_VolumeEcShardsToVolumeResponse, _volume_server_pb_VolumeEcShardsToVolumeRequest__Output, _volume_server_pb_VolumeEcShardsToVolumeResponse__Output>
  VolumeEcShardsUnmount: MethodDefinition<_volume_server_pb_VolumeEcShardsUnmountRequest, _volume_server_pb_VolumeEcShardsUnmountResponse, _volume_server_pb_VolumeEcShardsUnmountRequest__Output, _volume_server_pb_VolumeEcShardsUnmountResponse__Output>
  VolumeIncrementalCopy: MethodDefinition<_volume_server_pb_VolumeIncrementalCopyRequest, _volume_server_pb_VolumeIncrementalCopyResponse, _volume_server_pb_VolumeIncrementalCopyRequest__Output, _volume_server_pb_VolumeIncrementalCopyResponse__Output>
  VolumeMarkReadonly: MethodDefinition<_volume_server_pb_VolumeMarkReadonlyRequest, _volume_server_pb_VolumeMarkReadonlyResponse, _volume_server_pb_VolumeMarkReadonlyRequest__Output, _volume_server_pb_VolumeMarkReadonlyResponse__Output>
  VolumeMarkWritable: MethodDefinition<_volume_server_pb_VolumeMarkWritableRequest, _volume_server_pb_VolumeMarkWritableResponse, _volume_server_pb_VolumeMarkWritableRequest__Output, _volume_server_pb_VolumeMarkWritableResponse__Output>
  VolumeMount: MethodDefinition<_volume_server_pb_VolumeMountRequest, _volume_server_pb_VolumeMountResponse, _volume_server_pb_VolumeMountRequest__Output, _volume_server_pb_VolumeMountResponse__Output>
  VolumeNeedleStatus: MethodDefinition<_volume_server_pb_VolumeNeedleStatusRequest, _volume_server_pb_VolumeNeedleStatusResponse, _volume_server_pb_VolumeNeedleStatusRequest__Output, _volume_server_pb_VolumeNeedleStatusResponse__Output>
  VolumeServerLeave: MethodDefinition<_volume_server_pb_VolumeServerLeaveRequest, _volume_server_pb_VolumeServerLeaveResponse, _volume_server_pb_VolumeServerLeaveRequest__Output, _volume_server_pb_VolumeServerLeaveResponse__Output>
  VolumeServerStatus: MethodDefinition<_volume_server_pb_VolumeServerStatusRequest, _volume_server_pb_VolumeServerStatusResponse, _volume_server_pb_VolumeServerStatusRequest__Output, _volume_server_pb_VolumeServerStatusResponse__Output>
  VolumeStatus: MethodDefinition<_volume_server_pb_VolumeStatusRequest, _volume_server_pb_VolumeStatusResponse, _volume_server_pb_VolumeStatusRequest__Output, _volume_server_pb_VolumeStatusResponse__Output>
  VolumeSyncStatus: MethodDefinition<_volume_server_pb_VolumeSyncStatusRequest, _volume_server_pb_VolumeSyncStatusResponse, _volume_server_pb_VolumeSyncStatusRequest__Output, _volume_server_pb_VolumeSyncStatusResponse__Output>
  VolumeTailReceiver: MethodDefinition<_volume_server_pb_VolumeTailReceiverRequest, _volume_server_pb_VolumeTailReceiverResponse, _volume_server_pb_VolumeTailReceiverRequest__Output, _volume_server_pb_VolumeTailReceiverResponse__Output>
  VolumeTailSender: MethodDefinition<_volume_server_pb_VolumeTailSenderRequest, _volume_server_pb_VolumeTailSenderResponse, _volume_server_pb_VolumeTailSenderRequest__Output, _volume_server_pb_VolumeTailSenderResponse__Output>
  VolumeTierMoveDatFromRemote: MethodDefinition<_volume_server_pb_VolumeTierMoveDatFromRemoteRequest, _volume_server_pb_VolumeTierMoveDatFromRemoteResponse, _volume_server_pb_VolumeTierMoveDatFromRemoteRequest__Output, _volume_server_pb_VolumeTierMoveDatFromRemoteResponse__Output>
  VolumeTierMoveDatToRemote: MethodDefinition<_volume_server_pb_VolumeTierMoveDatToRemoteRequest, _volume_server_pb_VolumeTierMoveDatToRemoteResponse, _volume_server_pb_VolumeTierMoveDatToRemoteRequest__Output, _volume_server_pb_VolumeTierMoveDatToRemoteResponse__Output>
  VolumeUnmount: MethodDefinition<_volume_server_pb_VolumeUnmountRequest, _volume_server_pb_VolumeUnmountResponse, _volume_server_pb_VolumeUnmountRequest__Output, _volume_server_pb_VolumeUnmountResponse__Output>
  WriteNeedleBlob: MethodDefinition<_volume_server_pb_WriteNeedleBlobRequest, _volume_server_pb_WriteNeedleBlobResponse, _volume_server_pb_WriteNeedleBlobRequest__Output, _volume_server_pb_WriteNeedleBlobResponse__Output>
}
