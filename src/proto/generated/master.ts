import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AssignRequest as _master_pb_AssignRequest, AssignRequest__Output as _master_pb_AssignRequest__Output } from './master_pb/AssignRequest.ts';
import type { AssignResponse as _master_pb_AssignResponse, AssignResponse__Output as _master_pb_AssignResponse__Output } from './master_pb/AssignResponse.ts';
import type { ClusterNodeUpdate as _master_pb_ClusterNodeUpdate, ClusterNodeUpdate__Output as _master_pb_ClusterNodeUpdate__Output } from './master_pb/ClusterNodeUpdate.ts';
import type { Collection as _master_pb_Collection, Collection__Output as _master_pb_Collection__Output } from './master_pb/Collection.ts';
import type { CollectionDeleteRequest as _master_pb_CollectionDeleteRequest, CollectionDeleteRequest__Output as _master_pb_CollectionDeleteRequest__Output } from './master_pb/CollectionDeleteRequest.ts';
import type { CollectionDeleteResponse as _master_pb_CollectionDeleteResponse, CollectionDeleteResponse__Output as _master_pb_CollectionDeleteResponse__Output } from './master_pb/CollectionDeleteResponse.ts';
import type { CollectionListRequest as _master_pb_CollectionListRequest, CollectionListRequest__Output as _master_pb_CollectionListRequest__Output } from './master_pb/CollectionListRequest.ts';
import type { CollectionListResponse as _master_pb_CollectionListResponse, CollectionListResponse__Output as _master_pb_CollectionListResponse__Output } from './master_pb/CollectionListResponse.ts';
import type { CollectionStatistics as _master_pb_CollectionStatistics, CollectionStatistics__Output as _master_pb_CollectionStatistics__Output } from './master_pb/CollectionStatistics.ts';
import type { CollectionStatisticsRequest as _master_pb_CollectionStatisticsRequest, CollectionStatisticsRequest__Output as _master_pb_CollectionStatisticsRequest__Output } from './master_pb/CollectionStatisticsRequest.ts';
import type { CollectionStatisticsResponse as _master_pb_CollectionStatisticsResponse, CollectionStatisticsResponse__Output as _master_pb_CollectionStatisticsResponse__Output } from './master_pb/CollectionStatisticsResponse.ts';
import type { DataCenterInfo as _master_pb_DataCenterInfo, DataCenterInfo__Output as _master_pb_DataCenterInfo__Output } from './master_pb/DataCenterInfo.ts';
import type { DataNodeInfo as _master_pb_DataNodeInfo, DataNodeInfo__Output as _master_pb_DataNodeInfo__Output } from './master_pb/DataNodeInfo.ts';
import type { DisableVacuumRequest as _master_pb_DisableVacuumRequest, DisableVacuumRequest__Output as _master_pb_DisableVacuumRequest__Output } from './master_pb/DisableVacuumRequest.ts';
import type { DisableVacuumResponse as _master_pb_DisableVacuumResponse, DisableVacuumResponse__Output as _master_pb_DisableVacuumResponse__Output } from './master_pb/DisableVacuumResponse.ts';
import type { DiskInfo as _master_pb_DiskInfo, DiskInfo__Output as _master_pb_DiskInfo__Output } from './master_pb/DiskInfo.ts';
import type { DiskTag as _master_pb_DiskTag, DiskTag__Output as _master_pb_DiskTag__Output } from './master_pb/DiskTag.ts';
import type { Empty as _master_pb_Empty, Empty__Output as _master_pb_Empty__Output } from './master_pb/Empty.ts';
import type { EnableVacuumRequest as _master_pb_EnableVacuumRequest, EnableVacuumRequest__Output as _master_pb_EnableVacuumRequest__Output } from './master_pb/EnableVacuumRequest.ts';
import type { EnableVacuumResponse as _master_pb_EnableVacuumResponse, EnableVacuumResponse__Output as _master_pb_EnableVacuumResponse__Output } from './master_pb/EnableVacuumResponse.ts';
import type { GetAdminLockStatusRequest as _master_pb_GetAdminLockStatusRequest, GetAdminLockStatusRequest__Output as _master_pb_GetAdminLockStatusRequest__Output } from './master_pb/GetAdminLockStatusRequest.ts';
import type { GetAdminLockStatusResponse as _master_pb_GetAdminLockStatusResponse, GetAdminLockStatusResponse__Output as _master_pb_GetAdminLockStatusResponse__Output } from './master_pb/GetAdminLockStatusResponse.ts';
import type { GetMasterConfigurationRequest as _master_pb_GetMasterConfigurationRequest, GetMasterConfigurationRequest__Output as _master_pb_GetMasterConfigurationRequest__Output } from './master_pb/GetMasterConfigurationRequest.ts';
import type { GetMasterConfigurationResponse as _master_pb_GetMasterConfigurationResponse, GetMasterConfigurationResponse__Output as _master_pb_GetMasterConfigurationResponse__Output } from './master_pb/GetMasterConfigurationResponse.ts';
import type { Heartbeat as _master_pb_Heartbeat, Heartbeat__Output as _master_pb_Heartbeat__Output } from './master_pb/Heartbeat.ts';
import type { HeartbeatResponse as _master_pb_HeartbeatResponse, HeartbeatResponse__Output as _master_pb_HeartbeatResponse__Output } from './master_pb/HeartbeatResponse.ts';
import type { KeepConnectedRequest as _master_pb_KeepConnectedRequest, KeepConnectedRequest__Output as _master_pb_KeepConnectedRequest__Output } from './master_pb/KeepConnectedRequest.ts';
import type { KeepConnectedResponse as _master_pb_KeepConnectedResponse, KeepConnectedResponse__Output as _master_pb_KeepConnectedResponse__Output } from './master_pb/KeepConnectedResponse.ts';
import type { LeaseAdminTokenRequest as _master_pb_LeaseAdminTokenRequest, LeaseAdminTokenRequest__Output as _master_pb_LeaseAdminTokenRequest__Output } from './master_pb/LeaseAdminTokenRequest.ts';
import type { LeaseAdminTokenResponse as _master_pb_LeaseAdminTokenResponse, LeaseAdminTokenResponse__Output as _master_pb_LeaseAdminTokenResponse__Output } from './master_pb/LeaseAdminTokenResponse.ts';
import type { ListClusterNodesRequest as _master_pb_ListClusterNodesRequest, ListClusterNodesRequest__Output as _master_pb_ListClusterNodesRequest__Output } from './master_pb/ListClusterNodesRequest.ts';
import type { ListClusterNodesResponse as _master_pb_ListClusterNodesResponse, ListClusterNodesResponse__Output as _master_pb_ListClusterNodesResponse__Output } from './master_pb/ListClusterNodesResponse.ts';
import type { Location as _master_pb_Location, Location__Output as _master_pb_Location__Output } from './master_pb/Location.ts';
import type { LockRingUpdate as _master_pb_LockRingUpdate, LockRingUpdate__Output as _master_pb_LockRingUpdate__Output } from './master_pb/LockRingUpdate.ts';
import type { LookupEcVolumeRequest as _master_pb_LookupEcVolumeRequest, LookupEcVolumeRequest__Output as _master_pb_LookupEcVolumeRequest__Output } from './master_pb/LookupEcVolumeRequest.ts';
import type { LookupEcVolumeResponse as _master_pb_LookupEcVolumeResponse, LookupEcVolumeResponse__Output as _master_pb_LookupEcVolumeResponse__Output } from './master_pb/LookupEcVolumeResponse.ts';
import type { LookupVolumeRequest as _master_pb_LookupVolumeRequest, LookupVolumeRequest__Output as _master_pb_LookupVolumeRequest__Output } from './master_pb/LookupVolumeRequest.ts';
import type { LookupVolumeResponse as _master_pb_LookupVolumeResponse, LookupVolumeResponse__Output as _master_pb_LookupVolumeResponse__Output } from './master_pb/LookupVolumeResponse.ts';
import type { PingRequest as _master_pb_PingRequest, PingRequest__Output as _master_pb_PingRequest__Output } from './master_pb/PingRequest.ts';
import type { PingResponse as _master_pb_PingResponse, PingResponse__Output as _master_pb_PingResponse__Output } from './master_pb/PingResponse.ts';
import type { RackInfo as _master_pb_RackInfo, RackInfo__Output as _master_pb_RackInfo__Output } from './master_pb/RackInfo.ts';
import type { RaftAddServerRequest as _master_pb_RaftAddServerRequest, RaftAddServerRequest__Output as _master_pb_RaftAddServerRequest__Output } from './master_pb/RaftAddServerRequest.ts';
import type { RaftAddServerResponse as _master_pb_RaftAddServerResponse, RaftAddServerResponse__Output as _master_pb_RaftAddServerResponse__Output } from './master_pb/RaftAddServerResponse.ts';
import type { RaftLeadershipTransferRequest as _master_pb_RaftLeadershipTransferRequest, RaftLeadershipTransferRequest__Output as _master_pb_RaftLeadershipTransferRequest__Output } from './master_pb/RaftLeadershipTransferRequest.ts';
import type { RaftLeadershipTransferResponse as _master_pb_RaftLeadershipTransferResponse, RaftLeadershipTransferResponse__Output as _master_pb_RaftLeadershipTransferResponse__Output } from './master_pb/RaftLeadershipTransferResponse.ts';
import type { RaftListClusterServersRequest as _master_pb_RaftListClusterServersRequest, RaftListClusterServersRequest__Output as _master_pb_RaftListClusterServersRequest__Output } from './master_pb/RaftListClusterServersRequest.ts';
import type { RaftListClusterServersResponse as _master_pb_RaftListClusterServersResponse, RaftListClusterServersResponse__Output as _master_pb_RaftListClusterServersResponse__Output } from './master_pb/RaftListClusterServersResponse.ts';
import type { RaftRemoveServerRequest as _master_pb_RaftRemoveServerRequest, RaftRemoveServerRequest__Output as _master_pb_RaftRemoveServerRequest__Output } from './master_pb/RaftRemoveServerRequest.ts';
import type { RaftRemoveServerResponse as _master_pb_RaftRemoveServerResponse, RaftRemoveServerResponse__Output as _master_pb_RaftRemoveServerResponse__Output } from './master_pb/RaftRemoveServerResponse.ts';
import type { ReleaseAdminTokenRequest as _master_pb_ReleaseAdminTokenRequest, ReleaseAdminTokenRequest__Output as _master_pb_ReleaseAdminTokenRequest__Output } from './master_pb/ReleaseAdminTokenRequest.ts';
import type { ReleaseAdminTokenResponse as _master_pb_ReleaseAdminTokenResponse, ReleaseAdminTokenResponse__Output as _master_pb_ReleaseAdminTokenResponse__Output } from './master_pb/ReleaseAdminTokenResponse.ts';
import type { ResumeVolumeGrowthRequest as _master_pb_ResumeVolumeGrowthRequest, ResumeVolumeGrowthRequest__Output as _master_pb_ResumeVolumeGrowthRequest__Output } from './master_pb/ResumeVolumeGrowthRequest.ts';
import type { ResumeVolumeGrowthResponse as _master_pb_ResumeVolumeGrowthResponse, ResumeVolumeGrowthResponse__Output as _master_pb_ResumeVolumeGrowthResponse__Output } from './master_pb/ResumeVolumeGrowthResponse.ts';
import type { SeaweedClient as _master_pb_SeaweedClient, SeaweedDefinition as _master_pb_SeaweedDefinition } from './master_pb/Seaweed.ts';
import type { StatisticsRequest as _master_pb_StatisticsRequest, StatisticsRequest__Output as _master_pb_StatisticsRequest__Output } from './master_pb/StatisticsRequest.ts';
import type { StatisticsResponse as _master_pb_StatisticsResponse, StatisticsResponse__Output as _master_pb_StatisticsResponse__Output } from './master_pb/StatisticsResponse.ts';
import type { StorageBackend as _master_pb_StorageBackend, StorageBackend__Output as _master_pb_StorageBackend__Output } from './master_pb/StorageBackend.ts';
import type { SuperBlockExtra as _master_pb_SuperBlockExtra, SuperBlockExtra__Output as _master_pb_SuperBlockExtra__Output } from './master_pb/SuperBlockExtra.ts';
import type { TopologyInfo as _master_pb_TopologyInfo, TopologyInfo__Output as _master_pb_TopologyInfo__Output } from './master_pb/TopologyInfo.ts';
import type { VacuumVolumeRequest as _master_pb_VacuumVolumeRequest, VacuumVolumeRequest__Output as _master_pb_VacuumVolumeRequest__Output } from './master_pb/VacuumVolumeRequest.ts';
import type { VacuumVolumeResponse as _master_pb_VacuumVolumeResponse, VacuumVolumeResponse__Output as _master_pb_VacuumVolumeResponse__Output } from './master_pb/VacuumVolumeResponse.ts';
import type { VolumeEcShardInformationMessage as _master_pb_VolumeEcShardInformationMessage, VolumeEcShardInformationMessage__Output as _master_pb_VolumeEcShardInformationMessage__Output } from './master_pb/VolumeEcShardInformationMessage.ts';
import type { VolumeGrowRequest as _master_pb_VolumeGrowRequest, VolumeGrowRequest__Output as _master_pb_VolumeGrowRequest__Output } from './master_pb/VolumeGrowRequest.ts';
import type { VolumeGrowResponse as _master_pb_VolumeGrowResponse, VolumeGrowResponse__Output as _master_pb_VolumeGrowResponse__Output } from './master_pb/VolumeGrowResponse.ts';
import type { VolumeInformationMessage as _master_pb_VolumeInformationMessage, VolumeInformationMessage__Output as _master_pb_VolumeInformationMessage__Output } from './master_pb/VolumeInformationMessage.ts';
import type { VolumeListRequest as _master_pb_VolumeListRequest, VolumeListRequest__Output as _master_pb_VolumeListRequest__Output } from './master_pb/VolumeListRequest.ts';
import type { VolumeListResponse as _master_pb_VolumeListResponse, VolumeListResponse__Output as _master_pb_VolumeListResponse__Output } from './master_pb/VolumeListResponse.ts';
import type { VolumeListStreamResponse as _master_pb_VolumeListStreamResponse, VolumeListStreamResponse__Output as _master_pb_VolumeListStreamResponse__Output } from './master_pb/VolumeListStreamResponse.ts';
import type { VolumeLocation as _master_pb_VolumeLocation, VolumeLocation__Output as _master_pb_VolumeLocation__Output } from './master_pb/VolumeLocation.ts';
import type { VolumeMarkReadonlyRequest as _master_pb_VolumeMarkReadonlyRequest, VolumeMarkReadonlyRequest__Output as _master_pb_VolumeMarkReadonlyRequest__Output } from './master_pb/VolumeMarkReadonlyRequest.ts';
import type { VolumeMarkReadonlyResponse as _master_pb_VolumeMarkReadonlyResponse, VolumeMarkReadonlyResponse__Output as _master_pb_VolumeMarkReadonlyResponse__Output } from './master_pb/VolumeMarkReadonlyResponse.ts';
import type { VolumeShortInformationMessage as _master_pb_VolumeShortInformationMessage, VolumeShortInformationMessage__Output as _master_pb_VolumeShortInformationMessage__Output } from './master_pb/VolumeShortInformationMessage.ts';
import type { RemoteConf as _remote_pb_RemoteConf, RemoteConf__Output as _remote_pb_RemoteConf__Output } from './remote_pb/RemoteConf.ts';
import type { RemoteStorageLocation as _remote_pb_RemoteStorageLocation, RemoteStorageLocation__Output as _remote_pb_RemoteStorageLocation__Output } from './remote_pb/RemoteStorageLocation.ts';
import type { RemoteStorageMapping as _remote_pb_RemoteStorageMapping, RemoteStorageMapping__Output as _remote_pb_RemoteStorageMapping__Output } from './remote_pb/RemoteStorageMapping.ts';
import type { AllocateVolumeRequest as _volume_server_pb_AllocateVolumeRequest, AllocateVolumeRequest__Output as _volume_server_pb_AllocateVolumeRequest__Output } from './volume_server_pb/AllocateVolumeRequest.ts';
import type { AllocateVolumeResponse as _volume_server_pb_AllocateVolumeResponse, AllocateVolumeResponse__Output as _volume_server_pb_AllocateVolumeResponse__Output } from './volume_server_pb/AllocateVolumeResponse.ts';
import type { BatchDeleteRequest as _volume_server_pb_BatchDeleteRequest, BatchDeleteRequest__Output as _volume_server_pb_BatchDeleteRequest__Output } from './volume_server_pb/BatchDeleteRequest.ts';
import type { BatchDeleteResponse as _volume_server_pb_BatchDeleteResponse, BatchDeleteResponse__Output as _volume_server_pb_BatchDeleteResponse__Output } from './volume_server_pb/BatchDeleteResponse.ts';
import type { CopyFileRequest as _volume_server_pb_CopyFileRequest, CopyFileRequest__Output as _volume_server_pb_CopyFileRequest__Output } from './volume_server_pb/CopyFileRequest.ts';
import type { CopyFileResponse as _volume_server_pb_CopyFileResponse, CopyFileResponse__Output as _volume_server_pb_CopyFileResponse__Output } from './volume_server_pb/CopyFileResponse.ts';
import type { DeleteCollectionRequest as _volume_server_pb_DeleteCollectionRequest, DeleteCollectionRequest__Output as _volume_server_pb_DeleteCollectionRequest__Output } from './volume_server_pb/DeleteCollectionRequest.ts';
import type { DeleteCollectionResponse as _volume_server_pb_DeleteCollectionResponse, DeleteCollectionResponse__Output as _volume_server_pb_DeleteCollectionResponse__Output } from './volume_server_pb/DeleteCollectionResponse.ts';
import type { DeleteResult as _volume_server_pb_DeleteResult, DeleteResult__Output as _volume_server_pb_DeleteResult__Output } from './volume_server_pb/DeleteResult.ts';
import type { DiskStatus as _volume_server_pb_DiskStatus, DiskStatus__Output as _volume_server_pb_DiskStatus__Output } from './volume_server_pb/DiskStatus.ts';
import type { EcBitrotProtection as _volume_server_pb_EcBitrotProtection, EcBitrotProtection__Output as _volume_server_pb_EcBitrotProtection__Output } from './volume_server_pb/EcBitrotProtection.ts';
import type { EcShardChecksums as _volume_server_pb_EcShardChecksums, EcShardChecksums__Output as _volume_server_pb_EcShardChecksums__Output } from './volume_server_pb/EcShardChecksums.ts';
import type { EcShardConfig as _volume_server_pb_EcShardConfig, EcShardConfig__Output as _volume_server_pb_EcShardConfig__Output } from './volume_server_pb/EcShardConfig.ts';
import type { EcShardInfo as _volume_server_pb_EcShardInfo, EcShardInfo__Output as _volume_server_pb_EcShardInfo__Output } from './volume_server_pb/EcShardInfo.ts';
import type { Empty as _volume_server_pb_Empty, Empty__Output as _volume_server_pb_Empty__Output } from './volume_server_pb/Empty.ts';
import type { FetchAndWriteNeedleRequest as _volume_server_pb_FetchAndWriteNeedleRequest, FetchAndWriteNeedleRequest__Output as _volume_server_pb_FetchAndWriteNeedleRequest__Output } from './volume_server_pb/FetchAndWriteNeedleRequest.ts';
import type { FetchAndWriteNeedleResponse as _volume_server_pb_FetchAndWriteNeedleResponse, FetchAndWriteNeedleResponse__Output as _volume_server_pb_FetchAndWriteNeedleResponse__Output } from './volume_server_pb/FetchAndWriteNeedleResponse.ts';
import type { GetStateRequest as _volume_server_pb_GetStateRequest, GetStateRequest__Output as _volume_server_pb_GetStateRequest__Output } from './volume_server_pb/GetStateRequest.ts';
import type { GetStateResponse as _volume_server_pb_GetStateResponse, GetStateResponse__Output as _volume_server_pb_GetStateResponse__Output } from './volume_server_pb/GetStateResponse.ts';
import type { MemStatus as _volume_server_pb_MemStatus, MemStatus__Output as _volume_server_pb_MemStatus__Output } from './volume_server_pb/MemStatus.ts';
import type { OldVersionVolumeInfo as _volume_server_pb_OldVersionVolumeInfo, OldVersionVolumeInfo__Output as _volume_server_pb_OldVersionVolumeInfo__Output } from './volume_server_pb/OldVersionVolumeInfo.ts';
import type { PingRequest as _volume_server_pb_PingRequest, PingRequest__Output as _volume_server_pb_PingRequest__Output } from './volume_server_pb/PingRequest.ts';
import type { PingResponse as _volume_server_pb_PingResponse, PingResponse__Output as _volume_server_pb_PingResponse__Output } from './volume_server_pb/PingResponse.ts';
import type { QueriedStripe as _volume_server_pb_QueriedStripe, QueriedStripe__Output as _volume_server_pb_QueriedStripe__Output } from './volume_server_pb/QueriedStripe.ts';
import type { QueryRequest as _volume_server_pb_QueryRequest, QueryRequest__Output as _volume_server_pb_QueryRequest__Output } from './volume_server_pb/QueryRequest.ts';
import type { ReadAllNeedlesRequest as _volume_server_pb_ReadAllNeedlesRequest, ReadAllNeedlesRequest__Output as _volume_server_pb_ReadAllNeedlesRequest__Output } from './volume_server_pb/ReadAllNeedlesRequest.ts';
import type { ReadAllNeedlesResponse as _volume_server_pb_ReadAllNeedlesResponse, ReadAllNeedlesResponse__Output as _volume_server_pb_ReadAllNeedlesResponse__Output } from './volume_server_pb/ReadAllNeedlesResponse.ts';
import type { ReadNeedleBlobRequest as _volume_server_pb_ReadNeedleBlobRequest, ReadNeedleBlobRequest__Output as _volume_server_pb_ReadNeedleBlobRequest__Output } from './volume_server_pb/ReadNeedleBlobRequest.ts';
import type { ReadNeedleBlobResponse as _volume_server_pb_ReadNeedleBlobResponse, ReadNeedleBlobResponse__Output as _volume_server_pb_ReadNeedleBlobResponse__Output } from './volume_server_pb/ReadNeedleBlobResponse.ts';
import type { ReadNeedleMetaRequest as _volume_server_pb_ReadNeedleMetaRequest, ReadNeedleMetaRequest__Output as _volume_server_pb_ReadNeedleMetaRequest__Output } from './volume_server_pb/ReadNeedleMetaRequest.ts';
import type { ReadNeedleMetaResponse as _volume_server_pb_ReadNeedleMetaResponse, ReadNeedleMetaResponse__Output as _volume_server_pb_ReadNeedleMetaResponse__Output } from './volume_server_pb/ReadNeedleMetaResponse.ts';
import type { ReadVolumeFileStatusRequest as _volume_server_pb_ReadVolumeFileStatusRequest, ReadVolumeFileStatusRequest__Output as _volume_server_pb_ReadVolumeFileStatusRequest__Output } from './volume_server_pb/ReadVolumeFileStatusRequest.ts';
import type { ReadVolumeFileStatusResponse as _volume_server_pb_ReadVolumeFileStatusResponse, ReadVolumeFileStatusResponse__Output as _volume_server_pb_ReadVolumeFileStatusResponse__Output } from './volume_server_pb/ReadVolumeFileStatusResponse.ts';
import type { ReceiveFileInfo as _volume_server_pb_ReceiveFileInfo, ReceiveFileInfo__Output as _volume_server_pb_ReceiveFileInfo__Output } from './volume_server_pb/ReceiveFileInfo.ts';
import type { ReceiveFileRequest as _volume_server_pb_ReceiveFileRequest, ReceiveFileRequest__Output as _volume_server_pb_ReceiveFileRequest__Output } from './volume_server_pb/ReceiveFileRequest.ts';
import type { ReceiveFileResponse as _volume_server_pb_ReceiveFileResponse, ReceiveFileResponse__Output as _volume_server_pb_ReceiveFileResponse__Output } from './volume_server_pb/ReceiveFileResponse.ts';
import type { RemoteFile as _volume_server_pb_RemoteFile, RemoteFile__Output as _volume_server_pb_RemoteFile__Output } from './volume_server_pb/RemoteFile.ts';
import type { ScrubEcVolumeRequest as _volume_server_pb_ScrubEcVolumeRequest, ScrubEcVolumeRequest__Output as _volume_server_pb_ScrubEcVolumeRequest__Output } from './volume_server_pb/ScrubEcVolumeRequest.ts';
import type { ScrubEcVolumeResponse as _volume_server_pb_ScrubEcVolumeResponse, ScrubEcVolumeResponse__Output as _volume_server_pb_ScrubEcVolumeResponse__Output } from './volume_server_pb/ScrubEcVolumeResponse.ts';
import type { ScrubVolumeRequest as _volume_server_pb_ScrubVolumeRequest, ScrubVolumeRequest__Output as _volume_server_pb_ScrubVolumeRequest__Output } from './volume_server_pb/ScrubVolumeRequest.ts';
import type { ScrubVolumeResponse as _volume_server_pb_ScrubVolumeResponse, ScrubVolumeResponse__Output as _volume_server_pb_ScrubVolumeResponse__Output } from './volume_server_pb/ScrubVolumeResponse.ts';
import type { SetStateRequest as _volume_server_pb_SetStateRequest, SetStateRequest__Output as _volume_server_pb_SetStateRequest__Output } from './volume_server_pb/SetStateRequest.ts';
import type { SetStateResponse as _volume_server_pb_SetStateResponse, SetStateResponse__Output as _volume_server_pb_SetStateResponse__Output } from './volume_server_pb/SetStateResponse.ts';
import type { VacuumVolumeCheckRequest as _volume_server_pb_VacuumVolumeCheckRequest, VacuumVolumeCheckRequest__Output as _volume_server_pb_VacuumVolumeCheckRequest__Output } from './volume_server_pb/VacuumVolumeCheckRequest.ts';
import type { VacuumVolumeCheckResponse as _volume_server_pb_VacuumVolumeCheckResponse, VacuumVolumeCheckResponse__Output as _volume_server_pb_VacuumVolumeCheckResponse__Output } from './volume_server_pb/VacuumVolumeCheckResponse.ts';
import type { VacuumVolumeCleanupRequest as _volume_server_pb_VacuumVolumeCleanupRequest, VacuumVolumeCleanupRequest__Output as _volume_server_pb_VacuumVolumeCleanupRequest__Output } from './volume_server_pb/VacuumVolumeCleanupRequest.ts';
import type { VacuumVolumeCleanupResponse as _volume_server_pb_VacuumVolumeCleanupResponse, VacuumVolumeCleanupResponse__Output as _volume_server_pb_VacuumVolumeCleanupResponse__Output } from './volume_server_pb/VacuumVolumeCleanupResponse.ts';
import type { VacuumVolumeCommitRequest as _volume_server_pb_VacuumVolumeCommitRequest, VacuumVolumeCommitRequest__Output as _volume_server_pb_VacuumVolumeCommitRequest__Output } from './volume_server_pb/VacuumVolumeCommitRequest.ts';
import type { VacuumVolumeCommitResponse as _volume_server_pb_VacuumVolumeCommitResponse, VacuumVolumeCommitResponse__Output as _volume_server_pb_VacuumVolumeCommitResponse__Output } from './volume_server_pb/VacuumVolumeCommitResponse.ts';
import type { VacuumVolumeCompactRequest as _volume_server_pb_VacuumVolumeCompactRequest, VacuumVolumeCompactRequest__Output as _volume_server_pb_VacuumVolumeCompactRequest__Output } from './volume_server_pb/VacuumVolumeCompactRequest.ts';
import type { VacuumVolumeCompactResponse as _volume_server_pb_VacuumVolumeCompactResponse, VacuumVolumeCompactResponse__Output as _volume_server_pb_VacuumVolumeCompactResponse__Output } from './volume_server_pb/VacuumVolumeCompactResponse.ts';
import type { VolumeConfigureRequest as _volume_server_pb_VolumeConfigureRequest, VolumeConfigureRequest__Output as _volume_server_pb_VolumeConfigureRequest__Output } from './volume_server_pb/VolumeConfigureRequest.ts';
import type { VolumeConfigureResponse as _volume_server_pb_VolumeConfigureResponse, VolumeConfigureResponse__Output as _volume_server_pb_VolumeConfigureResponse__Output } from './volume_server_pb/VolumeConfigureResponse.ts';
import type { VolumeConsolidateIndexRequest as _volume_server_pb_VolumeConsolidateIndexRequest, VolumeConsolidateIndexRequest__Output as _volume_server_pb_VolumeConsolidateIndexRequest__Output } from './volume_server_pb/VolumeConsolidateIndexRequest.ts';
import type { VolumeConsolidateIndexResponse as _volume_server_pb_VolumeConsolidateIndexResponse, VolumeConsolidateIndexResponse__Output as _volume_server_pb_VolumeConsolidateIndexResponse__Output } from './volume_server_pb/VolumeConsolidateIndexResponse.ts';
import type { VolumeCopyRequest as _volume_server_pb_VolumeCopyRequest, VolumeCopyRequest__Output as _volume_server_pb_VolumeCopyRequest__Output } from './volume_server_pb/VolumeCopyRequest.ts';
import type { VolumeCopyResponse as _volume_server_pb_VolumeCopyResponse, VolumeCopyResponse__Output as _volume_server_pb_VolumeCopyResponse__Output } from './volume_server_pb/VolumeCopyResponse.ts';
import type { VolumeDeleteRequest as _volume_server_pb_VolumeDeleteRequest, VolumeDeleteRequest__Output as _volume_server_pb_VolumeDeleteRequest__Output } from './volume_server_pb/VolumeDeleteRequest.ts';
import type { VolumeDeleteResponse as _volume_server_pb_VolumeDeleteResponse, VolumeDeleteResponse__Output as _volume_server_pb_VolumeDeleteResponse__Output } from './volume_server_pb/VolumeDeleteResponse.ts';
import type { VolumeEcBlobDeleteRequest as _volume_server_pb_VolumeEcBlobDeleteRequest, VolumeEcBlobDeleteRequest__Output as _volume_server_pb_VolumeEcBlobDeleteRequest__Output } from './volume_server_pb/VolumeEcBlobDeleteRequest.ts';
import type { VolumeEcBlobDeleteResponse as _volume_server_pb_VolumeEcBlobDeleteResponse, VolumeEcBlobDeleteResponse__Output as _volume_server_pb_VolumeEcBlobDeleteResponse__Output } from './volume_server_pb/VolumeEcBlobDeleteResponse.ts';
import type { VolumeEcShardReadRequest as _volume_server_pb_VolumeEcShardReadRequest, VolumeEcShardReadRequest__Output as _volume_server_pb_VolumeEcShardReadRequest__Output } from './volume_server_pb/VolumeEcShardReadRequest.ts';
import type { VolumeEcShardReadResponse as _volume_server_pb_VolumeEcShardReadResponse, VolumeEcShardReadResponse__Output as _volume_server_pb_VolumeEcShardReadResponse__Output } from './volume_server_pb/VolumeEcShardReadResponse.ts';
import type { VolumeEcShardsCopyRequest as _volume_server_pb_VolumeEcShardsCopyRequest, VolumeEcShardsCopyRequest__Output as _volume_server_pb_VolumeEcShardsCopyRequest__Output } from './volume_server_pb/VolumeEcShardsCopyRequest.ts';
import type { VolumeEcShardsCopyResponse as _volume_server_pb_VolumeEcShardsCopyResponse, VolumeEcShardsCopyResponse__Output as _volume_server_pb_VolumeEcShardsCopyResponse__Output } from './volume_server_pb/VolumeEcShardsCopyResponse.ts';
import type { VolumeEcShardsDeleteRequest as _volume_server_pb_VolumeEcShardsDeleteRequest, VolumeEcShardsDeleteRequest__Output as _volume_server_pb_VolumeEcShardsDeleteRequest__Output } from './volume_server_pb/VolumeEcShardsDeleteRequest.ts';
import type { VolumeEcShardsDeleteResponse as _volume_server_pb_VolumeEcShardsDeleteResponse, VolumeEcShardsDeleteResponse__Output as _volume_server_pb_VolumeEcShardsDeleteResponse__Output } from './volume_server_pb/VolumeEcShardsDeleteResponse.ts';
import type { VolumeEcShardsGenerateRequest as _volume_server_pb_VolumeEcShardsGenerateRequest, VolumeEcShardsGenerateRequest__Output as _volume_server_pb_VolumeEcShardsGenerateRequest__Output } from './volume_server_pb/VolumeEcShardsGenerateRequest.ts';
import type { VolumeEcShardsGenerateResponse as _volume_server_pb_VolumeEcShardsGenerateResponse, VolumeEcShardsGenerateResponse__Output as _volume_server_pb_VolumeEcShardsGenerateResponse__Output } from './volume_server_pb/VolumeEcShardsGenerateResponse.ts';
import type { VolumeEcShardsInfoRequest as _volume_server_pb_VolumeEcShardsInfoRequest, VolumeEcShardsInfoRequest__Output as _volume_server_pb_VolumeEcShardsInfoRequest__Output } from './volume_server_pb/VolumeEcShardsInfoRequest.ts';
import type { VolumeEcShardsInfoResponse as _volume_server_pb_VolumeEcShardsInfoResponse, VolumeEcShardsInfoResponse__Output as _volume_server_pb_VolumeEcShardsInfoResponse__Output } from './volume_server_pb/VolumeEcShardsInfoResponse.ts';
import type { VolumeEcShardsMountRequest as _volume_server_pb_VolumeEcShardsMountRequest, VolumeEcShardsMountRequest__Output as _volume_server_pb_VolumeEcShardsMountRequest__Output } from './volume_server_pb/VolumeEcShardsMountRequest.ts';
import type { VolumeEcShardsMountResponse as _volume_server_pb_VolumeEcShardsMountResponse, VolumeEcShardsMountResponse__Output as _volume_server_pb_VolumeEcShardsMountResponse__Output } from './volume_server_pb/VolumeEcShardsMountResponse.ts';
import type { VolumeEcShardsRebuildRequest as _volume_server_pb_VolumeEcShardsRebuildRequest, VolumeEcShardsRebuildRequest__Output as _volume_server_pb_VolumeEcShardsRebuildRequest__Output } from './volume_server_pb/VolumeEcShardsRebuildRequest.ts';
import type { VolumeEcShardsRebuildResponse as _volume_server_pb_VolumeEcShardsRebuildResponse, VolumeEcShardsRebuildResponse__Output as _volume_server_pb_VolumeEcShardsRebuildResponse__Output } from './volume_server_pb/VolumeEcShardsRebuildResponse.ts';
import type { VolumeEcShardsToVolumeRequest as _volume_server_pb_VolumeEcShardsToVolumeRequest, VolumeEcShardsToVolumeRequest__Output as _volume_server_pb_VolumeEcShardsToVolumeRequest__Output } from './volume_server_pb/VolumeEcShardsToVolumeRequest.ts';
import type { VolumeEcShardsToVolumeResponse as _volume_server_pb_VolumeEcShardsToVolumeResponse, VolumeEcShardsToVolumeResponse__Output as _volume_server_pb_VolumeEcShardsToVolumeResponse__Output } from './volume_server_pb/VolumeEcShardsToVolumeResponse.ts';
import type { VolumeEcShardsUnmountRequest as _volume_server_pb_VolumeEcShardsUnmountRequest, VolumeEcShardsUnmountRequest__Output as _volume_server_pb_VolumeEcShardsUnmountRequest__Output } from './volume_server_pb/VolumeEcShardsUnmountRequest.ts';
import type { VolumeEcShardsUnmountResponse as _volume_server_pb_VolumeEcShardsUnmountResponse, VolumeEcShardsUnmountResponse__Output as _volume_server_pb_VolumeEcShardsUnmountResponse__Output } from './volume_server_pb/VolumeEcShardsUnmountResponse.ts';
import type { VolumeIncrementalCopyRequest as _volume_server_pb_VolumeIncrementalCopyRequest, VolumeIncrementalCopyRequest__Output as _volume_server_pb_VolumeIncrementalCopyRequest__Output } from './volume_server_pb/VolumeIncrementalCopyRequest.ts';
import type { VolumeIncrementalCopyResponse as _volume_server_pb_VolumeIncrementalCopyResponse, VolumeIncrementalCopyResponse__Output as _volume_server_pb_VolumeIncrementalCopyResponse__Output } from './volume_server_pb/VolumeIncrementalCopyResponse.ts';
import type { VolumeInfo as _volume_server_pb_VolumeInfo, VolumeInfo__Output as _volume_server_pb_VolumeInfo__Output } from './volume_server_pb/VolumeInfo.ts';
import type { VolumeMarkReadonlyRequest as _volume_server_pb_VolumeMarkReadonlyRequest, VolumeMarkReadonlyRequest__Output as _volume_server_pb_VolumeMarkReadonlyRequest__Output } from './volume_server_pb/VolumeMarkReadonlyRequest.ts';
import type { VolumeMarkReadonlyResponse as _volume_server_pb_VolumeMarkReadonlyResponse, VolumeMarkReadonlyResponse__Output as _volume_server_pb_VolumeMarkReadonlyResponse__Output } from './volume_server_pb/VolumeMarkReadonlyResponse.ts';
import type { VolumeMarkWritableRequest as _volume_server_pb_VolumeMarkWritableRequest, VolumeMarkWritableRequest__Output as _volume_server_pb_VolumeMarkWritableRequest__Output } from './volume_server_pb/VolumeMarkWritableRequest.ts';
import type { VolumeMarkWritableResponse as _volume_server_pb_VolumeMarkWritableResponse, VolumeMarkWritableResponse__Output as _volume_server_pb_VolumeMarkWritableResponse__Output } from './volume_server_pb/VolumeMarkWritableResponse.ts';
import type { VolumeMountRequest as _volume_server_pb_VolumeMountRequest, VolumeMountRequest__Output as _volume_server_pb_VolumeMountRequest__Output } from './volume_server_pb/VolumeMountRequest.ts';
import type { VolumeMountResponse as _volume_server_pb_VolumeMountResponse, VolumeMountResponse__Output as _volume_server_pb_VolumeMountResponse__Output } from './volume_server_pb/VolumeMountResponse.ts';
import type { VolumeNeedleStatusRequest as _volume_server_pb_VolumeNeedleStatusRequest, VolumeNeedleStatusRequest__Output as _volume_server_pb_VolumeNeedleStatusRequest__Output } from './volume_server_pb/VolumeNeedleStatusRequest.ts';
import type { VolumeNeedleStatusResponse as _volume_server_pb_VolumeNeedleStatusResponse, VolumeNeedleStatusResponse__Output as _volume_server_pb_VolumeNeedleStatusResponse__Output } from './volume_server_pb/VolumeNeedleStatusResponse.ts';
import type { VolumeServerClient as _volume_server_pb_VolumeServerClient, VolumeServerDefinition as _volume_server_pb_VolumeServerDefinition } from './volume_server_pb/VolumeServer.ts';
import type { VolumeServerLeaveRequest as _volume_server_pb_VolumeServerLeaveRequest, VolumeServerLeaveRequest__Output as _volume_server_pb_VolumeServerLeaveRequest__Output } from './volume_server_pb/VolumeServerLeaveRequest.ts';
import type { VolumeServerLeaveResponse as _volume_server_pb_VolumeServerLeaveResponse, VolumeServerLeaveResponse__Output as _volume_server_pb_VolumeServerLeaveResponse__Output } from './volume_server_pb/VolumeServerLeaveResponse.ts';
import type { VolumeServerState as _volume_server_pb_VolumeServerState, VolumeServerState__Output as _volume_server_pb_VolumeServerState__Output } from './volume_server_pb/VolumeServerState.ts';
import type { VolumeServerStatusRequest as _volume_server_pb_VolumeServerStatusRequest, VolumeServerStatusRequest__Output as _volume_server_pb_VolumeServerStatusRequest__Output } from './volume_server_pb/VolumeServerStatusRequest.ts';
import type { VolumeServerStatusResponse as _volume_server_pb_VolumeServerStatusResponse, VolumeServerStatusResponse__Output as _volume_server_pb_VolumeServerStatusResponse__Output } from './volume_server_pb/VolumeServerStatusResponse.ts';
import type { VolumeStatusRequest as _volume_server_pb_VolumeStatusRequest, VolumeStatusRequest__Output as _volume_server_pb_VolumeStatusRequest__Output } from './volume_server_pb/VolumeStatusRequest.ts';
import type { VolumeStatusResponse as _volume_server_pb_VolumeStatusResponse, VolumeStatusResponse__Output as _volume_server_pb_VolumeStatusResponse__Output } from './volume_server_pb/VolumeStatusResponse.ts';
import type { VolumeSyncStatusRequest as _volume_server_pb_VolumeSyncStatusRequest, VolumeSyncStatusRequest__Output as _volume_server_pb_VolumeSyncStatusRequest__Output } from './volume_server_pb/VolumeSyncStatusRequest.ts';
import type { VolumeSyncStatusResponse as _volume_server_pb_VolumeSyncStatusResponse, VolumeSyncStatusResponse__Output as _volume_server_pb_VolumeSyncStatusResponse__Output } from './volume_server_pb/VolumeSyncStatusResponse.ts';
import type { VolumeTailReceiverRequest as _volume_server_pb_VolumeTailReceiverRequest, VolumeTailReceiverRequest__Output as _volume_server_pb_VolumeTailReceiverRequest__Output } from './volume_server_pb/VolumeTailReceiverRequest.ts';
import type { VolumeTailReceiverResponse as _volume_server_pb_VolumeTailReceiverResponse, VolumeTailReceiverResponse__Output as _volume_server_pb_VolumeTailReceiverResponse__Output } from './volume_server_pb/VolumeTailReceiverResponse.ts';
import type { VolumeTailSenderRequest as _volume_server_pb_VolumeTailSenderRequest, VolumeTailSenderRequest__Output as _volume_server_pb_VolumeTailSenderRequest__Output } from './volume_server_pb/VolumeTailSenderRequest.ts';
import type { VolumeTailSenderResponse as _volume_server_pb_VolumeTailSenderResponse, VolumeTailSenderResponse__Output as _volume_server_pb_VolumeTailSenderResponse__Output } from './volume_server_pb/VolumeTailSenderResponse.ts';
import type { VolumeTierMoveDatFromRemoteRequest as _volume_server_pb_VolumeTierMoveDatFromRemoteRequest, VolumeTierMoveDatFromRemoteRequest__Output as _volume_server_pb_VolumeTierMoveDatFromRemoteRequest__Output } from './volume_server_pb/VolumeTierMoveDatFromRemoteRequest.ts';
import type { VolumeTierMoveDatFromRemoteResponse as _volume_server_pb_VolumeTierMoveDatFromRemoteResponse, VolumeTierMoveDatFromRemoteResponse__Output as _volume_server_pb_VolumeTierMoveDatFromRemoteResponse__Output } from './volume_server_pb/VolumeTierMoveDatFromRemoteResponse.ts';
import type { VolumeTierMoveDatToRemoteRequest as _volume_server_pb_VolumeTierMoveDatToRemoteRequest, VolumeTierMoveDatToRemoteRequest__Output as _volume_server_pb_VolumeTierMoveDatToRemoteRequest__Output } from './volume_server_pb/VolumeTierMoveDatToRemoteRequest.ts';
import type { VolumeTierMoveDatToRemoteResponse as _volume_server_pb_VolumeTierMoveDatToRemoteResponse, VolumeTierMoveDatToRemoteResponse__Output as _volume_server_pb_VolumeTierMoveDatToRemoteResponse__Output } from './volume_server_pb/VolumeTierMoveDatToRemoteResponse.ts';
import type { VolumeUnmountRequest as _volume_server_pb_VolumeUnmountRequest, VolumeUnmountRequest__Output as _volume_server_pb_VolumeUnmountRequest__Output } from './volume_server_pb/VolumeUnmountRequest.ts';
import type { VolumeUnmountResponse as _volume_server_pb_VolumeUnmountResponse, VolumeUnmountResponse__Output as _volume_server_pb_VolumeUnmountResponse__Output } from './volume_server_pb/VolumeUnmountResponse.ts';
import type { WriteNeedleBlobRequest as _volume_server_pb_WriteNeedleBlobRequest, WriteNeedleBlobRequest__Output as _volume_server_pb_WriteNeedleBlobRequest__Output } from './volume_server_pb/WriteNeedleBlobRequest.ts';
import type { WriteNeedleBlobResponse as _volume_server_pb_WriteNeedleBlobResponse, WriteNeedleBlobResponse__Output as _volume_server_pb_WriteNeedleBlobResponse__Output } from './volume_server_pb/WriteNeedleBlobResponse.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  master_pb: {
    AssignRequest: MessageTypeDefinition<_master_pb_AssignRequest, _master_pb_AssignRequest__Output>
    AssignResponse: MessageTypeDefinition<_master_pb_AssignResponse, _master_pb_AssignResponse__Output>
    ClusterNodeUpdate: MessageTypeDefinition<_master_pb_ClusterNodeUpdate, _master_pb_ClusterNodeUpdate__Output>
    Collection: MessageTypeDefinition<_master_pb_Collection, _master_pb_Collection__Output>
    CollectionDeleteRequest: MessageTypeDefinition<_master_pb_CollectionDeleteRequest, _master_pb_CollectionDeleteRequest__Output>
    CollectionDeleteResponse: MessageTypeDefinition<_master_pb_CollectionDeleteResponse, _master_pb_CollectionDeleteResponse__Output>
    CollectionListRequest: MessageTypeDefinition<_master_pb_CollectionListRequest, _master_pb_CollectionListRequest__Output>
    CollectionListResponse: MessageTypeDefinition<_master_pb_CollectionListResponse, _master_pb_CollectionListResponse__Output>
    CollectionStatistics: MessageTypeDefinition<_master_pb_CollectionStatistics, _master_pb_CollectionStatistics__Output>
    CollectionStatisticsRequest: MessageTypeDefinition<_master_pb_CollectionStatisticsRequest, _master_pb_CollectionStatisticsRequest__Output>
    CollectionStatisticsResponse: MessageTypeDefinition<_master_pb_CollectionStatisticsResponse, _master_pb_CollectionStatisticsResponse__Output>
    DataCenterInfo: MessageTypeDefinition<_master_pb_DataCenterInfo, _master_pb_DataCenterInfo__Output>
    DataNodeInfo: MessageTypeDefinition<_master_pb_DataNodeInfo, _master_pb_DataNodeInfo__Output>
    DisableVacuumRequest: MessageTypeDefinition<_master_pb_DisableVacuumRequest, _master_pb_DisableVacuumRequest__Output>
    DisableVacuumResponse: MessageTypeDefinition<_master_pb_DisableVacuumResponse, _master_pb_DisableVacuumResponse__Output>
    DiskInfo: MessageTypeDefinition<_master_pb_DiskInfo, _master_pb_DiskInfo__Output>
    DiskTag: MessageTypeDefinition<_master_pb_DiskTag, _master_pb_DiskTag__Output>
    Empty: MessageTypeDefinition<_master_pb_Empty, _master_pb_Empty__Output>
    EnableVacuumRequest: MessageTypeDefinition<_master_pb_EnableVacuumRequest, _master_pb_EnableVacuumRequest__Output>
    EnableVacuumResponse: MessageTypeDefinition<_master_pb_EnableVacuumResponse, _master_pb_EnableVacuumResponse__Output>
    GetAdminLockStatusRequest: MessageTypeDefinition<_master_pb_GetAdminLockStatusRequest, _master_pb_GetAdminLockStatusRequest__Output>
    GetAdminLockStatusResponse: MessageTypeDefinition<_master_pb_GetAdminLockStatusResponse, _master_pb_GetAdminLockStatusResponse__Output>
    GetMasterConfigurationRequest: MessageTypeDefinition<_master_pb_GetMasterConfigurationRequest, _master_pb_GetMasterConfigurationRequest__Output>
    GetMasterConfigurationResponse: MessageTypeDefinition<_master_pb_GetMasterConfigurationResponse, _master_pb_GetMasterConfigurationResponse__Output>
    Heartbeat: MessageTypeDefinition<_master_pb_Heartbeat, _master_pb_Heartbeat__Output>
    HeartbeatResponse: MessageTypeDefinition<_master_pb_HeartbeatResponse, _master_pb_HeartbeatResponse__Output>
    KeepConnectedRequest: MessageTypeDefinition<_master_pb_KeepConnectedRequest, _master_pb_KeepConnectedRequest__Output>
    KeepConnectedResponse: MessageTypeDefinition<_master_pb_KeepConnectedResponse, _master_pb_KeepConnectedResponse__Output>
    LeaseAdminTokenRequest: MessageTypeDefinition<_master_pb_LeaseAdminTokenRequest, _master_pb_LeaseAdminTokenRequest__Output>
    LeaseAdminTokenResponse: MessageTypeDefinition<_master_pb_LeaseAdminTokenResponse, _master_pb_LeaseAdminTokenResponse__Output>
    ListClusterNodesRequest: MessageTypeDefinition<_master_pb_ListClusterNodesRequest, _master_pb_ListClusterNodesRequest__Output>
    ListClusterNodesResponse: MessageTypeDefinition<_master_pb_ListClusterNodesResponse, _master_pb_ListClusterNodesResponse__Output>
    Location: MessageTypeDefinition<_master_pb_Location, _master_pb_Location__Output>
    LockRingUpdate: MessageTypeDefinition<_master_pb_LockRingUpdate, _master_pb_LockRingUpdate__Output>
    LookupEcVolumeRequest: MessageTypeDefinition<_master_pb_LookupEcVolumeRequest, _master_pb_LookupEcVolumeRequest__Output>
    LookupEcVolumeResponse: MessageTypeDefinition<_master_pb_LookupEcVolumeResponse, _master_pb_LookupEcVolumeResponse__Output>
    LookupVolumeRequest: MessageTypeDefinition<_master_pb_LookupVolumeRequest, _master_pb_LookupVolumeRequest__Output>
    LookupVolumeResponse: MessageTypeDefinition<_master_pb_LookupVolumeResponse, _master_pb_LookupVolumeResponse__Output>
    PingRequest: MessageTypeDefinition<_master_pb_PingRequest, _master_pb_PingRequest__Output>
    PingResponse: MessageTypeDefinition<_master_pb_PingResponse, _master_pb_PingResponse__Output>
    RackInfo: MessageTypeDefinition<_master_pb_RackInfo, _master_pb_RackInfo__Output>
    RaftAddServerRequest: MessageTypeDefinition<_master_pb_RaftAddServerRequest, _master_pb_RaftAddServerRequest__Output>
    RaftAddServerResponse: MessageTypeDefinition<_master_pb_RaftAddServerResponse, _master_pb_RaftAddServerResponse__Output>
    RaftLeadershipTransferRequest: MessageTypeDefinition<_master_pb_RaftLeadershipTransferRequest, _master_pb_RaftLeadershipTransferRequest__Output>
    RaftLeadershipTransferResponse: MessageTypeDefinition<_master_pb_RaftLeadershipTransferResponse, _master_pb_RaftLeadershipTransferResponse__Output>
    RaftListClusterServersRequest: MessageTypeDefinition<_master_pb_RaftListClusterServersRequest, _master_pb_RaftListClusterServersRequest__Output>
    RaftListClusterServersResponse: MessageTypeDefinition<_master_pb_RaftListClusterServersResponse, _master_pb_RaftListClusterServersResponse__Output>
    RaftRemoveServerRequest: MessageTypeDefinition<_master_pb_RaftRemoveServerRequest, _master_pb_RaftRemoveServerRequest__Output>
    RaftRemoveServerResponse: MessageTypeDefinition<_master_pb_RaftRemoveServerResponse, _master_pb_RaftRemoveServerResponse__Output>
    ReleaseAdminTokenRequest: MessageTypeDefinition<_master_pb_ReleaseAdminTokenRequest, _master_pb_ReleaseAdminTokenRequest__Output>
    ReleaseAdminTokenResponse: MessageTypeDefinition<_master_pb_ReleaseAdminTokenResponse, _master_pb_ReleaseAdminTokenResponse__Output>
    ResumeVolumeGrowthRequest: MessageTypeDefinition<_master_pb_ResumeVolumeGrowthRequest, _master_pb_ResumeVolumeGrowthRequest__Output>
    ResumeVolumeGrowthResponse: MessageTypeDefinition<_master_pb_ResumeVolumeGrowthResponse, _master_pb_ResumeVolumeGrowthResponse__Output>
    Seaweed: SubtypeConstructor<typeof grpc.Client, _master_pb_SeaweedClient> & { service: _master_pb_SeaweedDefinition }
    StatisticsRequest: MessageTypeDefinition<_master_pb_StatisticsRequest, _master_pb_StatisticsRequest__Output>
    StatisticsResponse: MessageTypeDefinition<_master_pb_StatisticsResponse, _master_pb_StatisticsResponse__Output>
    StorageBackend: MessageTypeDefinition<_master_pb_StorageBackend, _master_pb_StorageBackend__Output>
    SuperBlockExtra: MessageTypeDefinition<_master_pb_SuperBlockExtra, _master_pb_SuperBlockExtra__Output>
    TopologyInfo: MessageTypeDefinition<_master_pb_TopologyInfo, _master_pb_TopologyInfo__Output>
    VacuumVolumeRequest: MessageTypeDefinition<_master_pb_VacuumVolumeRequest, _master_pb_VacuumVolumeRequest__Output>
    VacuumVolumeResponse: MessageTypeDefinition<_master_pb_VacuumVolumeResponse, _master_pb_VacuumVolumeResponse__Output>
    VolumeEcShardInformationMessage: MessageTypeDefinition<_master_pb_VolumeEcShardInformationMessage, _master_pb_VolumeEcShardInformationMessage__Output>
    VolumeGrowRequest: MessageTypeDefinition<_master_pb_VolumeGrowRequest, _master_pb_VolumeGrowRequest__Output>
    VolumeGrowResponse: MessageTypeDefinition<_master_pb_VolumeGrowResponse, _master_pb_VolumeGrowResponse__Output>
    VolumeInformationMessage: MessageTypeDefinition<_master_pb_VolumeInformationMessage, _master_pb_VolumeInformationMessage__Output>
    VolumeListRequest: MessageTypeDefinition<_master_pb_VolumeListRequest, _master_pb_VolumeListRequest__Output>
    VolumeListResponse: MessageTypeDefinition<_master_pb_VolumeListResponse, _master_pb_VolumeListResponse__Output>
    VolumeListStreamResponse: MessageTypeDefinition<_master_pb_VolumeListStreamResponse, _master_pb_VolumeListStreamResponse__Output>
    VolumeLocation: MessageTypeDefinition<_master_pb_VolumeLocation, _master_pb_VolumeLocation__Output>
    VolumeMarkReadonlyRequest: MessageTypeDefinition<_master_pb_VolumeMarkReadonlyRequest, _master_pb_VolumeMarkReadonlyRequest__Output>
    VolumeMarkReadonlyResponse: MessageTypeDefinition<_master_pb_VolumeMarkReadonlyResponse, _master_pb_VolumeMarkReadonlyResponse__Output>
    VolumeShortInformationMessage: MessageTypeDefinition<_master_pb_VolumeShortInformationMessage, _master_pb_VolumeShortInformationMessage__Output>
  }
  remote_pb: {
    RemoteConf: MessageTypeDefinition<_remote_pb_RemoteConf, _remote_pb_RemoteConf__Output>
    RemoteStorageLocation: MessageTypeDefinition<_remote_pb_RemoteStorageLocation, _remote_pb_RemoteStorageLocation__Output>
    RemoteStorageMapping: MessageTypeDefinition<_remote_pb_RemoteStorageMapping, _remote_pb_RemoteStorageMapping__Output>
  }
  volume_server_pb: {
    AllocateVolumeRequest: MessageTypeDefinition<_volume_server_pb_AllocateVolumeRequest, _volume_server_pb_AllocateVolumeRequest__Output>
    AllocateVolumeResponse: MessageTypeDefinition<_volume_server_pb_AllocateVolumeResponse, _volume_server_pb_AllocateVolumeResponse__Output>
    BatchDeleteRequest: MessageTypeDefinition<_volume_server_pb_BatchDeleteRequest, _volume_server_pb_BatchDeleteRequest__Output>
    BatchDeleteResponse: MessageTypeDefinition<_volume_server_pb_BatchDeleteResponse, _volume_server_pb_BatchDeleteResponse__Output>
    ChecksumAlgorithm: EnumTypeDefinition
    CopyFileRequest: MessageTypeDefinition<_volume_server_pb_CopyFileRequest, _volume_server_pb_CopyFileRequest__Output>
    CopyFileResponse: MessageTypeDefinition<_volume_server_pb_CopyFileResponse, _volume_server_pb_CopyFileResponse__Output>
    DeleteCollectionRequest: MessageTypeDefinition<_volume_server_pb_DeleteCollectionRequest, _volume_server_pb_DeleteCollectionRequest__Output>
    DeleteCollectionResponse: MessageTypeDefinition<_volume_server_pb_DeleteCollectionResponse, _volume_server_pb_DeleteCollectionResponse__Output>
    DeleteResult: MessageTypeDefinition<_volume_server_pb_DeleteResult, _volume_server_pb_DeleteResult__Output>
    DiskStatus: MessageTypeDefinition<_volume_server_pb_DiskStatus, _volume_server_pb_DiskStatus__Output>
    EcBitrotProtection: MessageTypeDefinition<_volume_server_pb_EcBitrotProtection, _volume_server_pb_EcBitrotProtection__Output>
    EcShardChecksums: MessageTypeDefinition<_volume_server_pb_EcShardChecksums, _volume_server_pb_EcShardChecksums__Output>
    EcShardConfig: MessageTypeDefinition<_volume_server_pb_EcShardConfig, _volume_server_pb_EcShardConfig__Output>
    EcShardInfo: MessageTypeDefinition<_volume_server_pb_EcShardInfo, _volume_server_pb_EcShardInfo__Output>
    Empty: MessageTypeDefinition<_volume_server_pb_Empty, _volume_server_pb_Empty__Output>
    FetchAndWriteNeedleRequest: MessageTypeDefinition<_volume_server_pb_FetchAndWriteNeedleRequest, _volume_server_pb_FetchAndWriteNeedleRequest__Output>
    FetchAndWriteNeedleResponse: MessageTypeDefinition<_volume_server_pb_FetchAndWriteNeedleResponse, _volume_server_pb_FetchAndWriteNeedleResponse__Output>
    GetStateRequest: MessageTypeDefinition<_volume_server_pb_GetStateRequest, _volume_server_pb_GetStateRequest__Output>
    GetStateResponse: MessageTypeDefinition<_volume_server_pb_GetStateResponse, _volume_server_pb_GetStateResponse__Output>
    MemStatus: MessageTypeDefinition<_volume_server_pb_MemStatus, _volume_server_pb_MemStatus__Output>
    OldVersionVolumeInfo: MessageTypeDefinition<_volume_server_pb_OldVersionVolumeInfo, _volume_server_pb_OldVersionVolumeInfo__Output>
    PingRequest: MessageTypeDefinition<_volume_server_pb_PingRequest, _volume_server_pb_PingRequest__Output>
    PingResponse: MessageTypeDefinition<_volume_server_pb_PingResponse, _volume_server_pb_PingResponse__Output>
    QueriedStripe: MessageTypeDefinition<_volume_server_pb_QueriedStripe, _volume_server_pb_QueriedStripe__Output>
    QueryRequest: MessageTypeDefinition<_volume_server_pb_QueryRequest, _volume_server_pb_QueryRequest__Output>
    ReadAllNeedlesRequest: MessageTypeDefinition<_volume_server_pb_ReadAllNeedlesRequest, _volume_server_pb_ReadAllNeedlesRequest__Output>
    ReadAllNeedlesResponse: MessageTypeDefinition<_volume_server_pb_ReadAllNeedlesResponse, _volume_server_pb_ReadAllNeedlesResponse__Output>
    ReadNeedleBlobRequest: MessageTypeDefinition<_volume_server_pb_ReadNeedleBlobRequest, _volume_server_pb_ReadNeedleBlobRequest__Output>
    ReadNeedleBlobResponse: MessageTypeDefinition<_volume_server_pb_ReadNeedleBlobResponse, _volume_server_pb_ReadNeedleBlobResponse__Output>
    ReadNeedleMetaRequest: MessageTypeDefinition<_volume_server_pb_ReadNeedleMetaRequest, _volume_server_pb_ReadNeedleMetaRequest__Output>
    ReadNeedleMetaResponse: MessageTypeDefinition<_volume_server_pb_ReadNeedleMetaResponse, _volume_server_pb_ReadNeedleMetaResponse__Output>
    ReadVolumeFileStatusRequest: MessageTypeDefinition<_volume_server_pb_ReadVolumeFileStatusRequest, _volume_server_pb_ReadVolumeFileStatusRequest__Output>
    ReadVolumeFileStatusResponse: MessageTypeDefinition<_volume_server_pb_ReadVolumeFileStatusResponse, _volume_server_pb_ReadVolumeFileStatusResponse__Output>
    ReceiveFileInfo: MessageTypeDefinition<_volume_server_pb_ReceiveFileInfo, _volume_server_pb_ReceiveFileInfo__Output>
    ReceiveFileRequest: MessageTypeDefinition<_volume_server_pb_ReceiveFileRequest, _volume_server_pb_ReceiveFileRequest__Output>
    ReceiveFileResponse: MessageTypeDefinition<_volume_server_pb_ReceiveFileResponse, _volume_server_pb_ReceiveFileResponse__Output>
    RemoteFile: MessageTypeDefinition<_volume_server_pb_RemoteFile, _volume_server_pb_RemoteFile__Output>
    ScrubEcVolumeRequest: MessageTypeDefinition<_volume_server_pb_ScrubEcVolumeRequest, _volume_server_pb_ScrubEcVolumeRequest__Output>
    ScrubEcVolumeResponse: MessageTypeDefinition<_volume_server_pb_ScrubEcVolumeResponse, _volume_server_pb_ScrubEcVolumeResponse__Output>
    ScrubVolumeRequest: MessageTypeDefinition<_volume_server_pb_ScrubVolumeRequest, _volume_server_pb_ScrubVolumeRequest__Output>
    ScrubVolumeResponse: MessageTypeDefinition<_volume_server_pb_ScrubVolumeResponse, _volume_server_pb_ScrubVolumeResponse__Output>
    SetStateRequest: MessageTypeDefinition<_volume_server_pb_SetStateRequest, _volume_server_pb_SetStateRequest__Output>
    SetStateResponse: MessageTypeDefinition<_volume_server_pb_SetStateResponse, _volume_server_pb_SetStateResponse__Output>
    VacuumVolumeCheckRequest: MessageTypeDefinition<_volume_server_pb_VacuumVolumeCheckRequest, _volume_server_pb_VacuumVolumeCheckRequest__Output>
    VacuumVolumeCheckResponse: MessageTypeDefinition<_volume_server_pb_VacuumVolumeCheckResponse, _volume_server_pb_VacuumVolumeCheckResponse__Output>
    VacuumVolumeCleanupRequest: MessageTypeDefinition<_volume_server_pb_VacuumVolumeCleanupRequest, _volume_server_pb_VacuumVolumeCleanupRequest__Output>
    VacuumVolumeCleanupResponse: MessageTypeDefinition<_volume_server_pb_VacuumVolumeCleanupResponse, _volume_server_pb_VacuumVolumeCleanupResponse__Output>
    VacuumVolumeCommitRequest: MessageTypeDefinition<_volume_server_pb_VacuumVolumeCommitRequest, _volume_server_pb_VacuumVolumeCommitRequest__Output>
    VacuumVolumeCommitResponse: MessageTypeDefinition<_volume_server_pb_VacuumVolumeCommitResponse, _volume_server_pb_VacuumVolumeCommitResponse__Output>
    VacuumVolumeCompactRequest: MessageTypeDefinition<_volume_server_pb_VacuumVolumeCompactRequest, _volume_server_pb_VacuumVolumeCompactRequest__Output>
    VacuumVolumeCompactResponse: MessageTypeDefinition<_volume_server_pb_VacuumVolumeCompactResponse, _volume_server_pb_VacuumVolumeCompactResponse__Output>
    VolumeConfigureRequest: MessageTypeDefinition<_volume_server_pb_VolumeConfigureRequest, _volume_server_pb_VolumeConfigureRequest__Output>
    VolumeConfigureResponse: MessageTypeDefinition<_volume_server_pb_VolumeConfigureResponse, _volume_server_pb_VolumeConfigureResponse__Output>
    VolumeConsolidateIndexRequest: MessageTypeDefinition<_volume_server_pb_VolumeConsolidateIndexRequest, _volume_server_pb_VolumeConsolidateIndexRequest__Output>
    VolumeConsolidateIndexResponse: MessageTypeDefinition<_volume_server_pb_VolumeConsolidateIndexResponse, _volume_server_pb_VolumeConsolidateIndexResponse__Output>
    VolumeCopyRequest: MessageTypeDefinition<_volume_server_pb_VolumeCopyRequest, _volume_server_pb_VolumeCopyRequest__Output>
    VolumeCopyResponse: MessageTypeDefinition<_volume_server_pb_VolumeCopyResponse, _volume_server_pb_VolumeCopyResponse__Output>
    VolumeDeleteRequest: MessageTypeDefinition<_volume_server_pb_VolumeDeleteRequest, _volume_server_pb_VolumeDeleteRequest__Output>
    VolumeDeleteResponse: MessageTypeDefinition<_volume_server_pb_VolumeDeleteResponse, _volume_server_pb_VolumeDeleteResponse__Output>
    VolumeEcBlobDeleteRequest: MessageTypeDefinition<_volume_server_pb_VolumeEcBlobDeleteRequest, _volume_server_pb_VolumeEcBlobDeleteRequest__Output>
    VolumeEcBlobDeleteResponse: MessageTypeDefinition<_volume_server_pb_VolumeEcBlobDeleteResponse, _volume_server_pb_VolumeEcBlobDeleteResponse__Output>
    VolumeEcShardReadRequest: MessageTypeDefinition<_volume_server_pb_VolumeEcShardReadRequest, _volume_server_pb_VolumeEcShardReadRequest__Output>
    VolumeEcShardReadResponse: MessageTypeDefinition<_volume_server_pb_VolumeEcShardReadResponse, _volume_server_pb_VolumeEcShardReadResponse__Output>
    VolumeEcShardsCopyRequest: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsCopyRequest, _volume_server_pb_VolumeEcShardsCopyRequest__Output>
    VolumeEcShardsCopyResponse: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsCopyResponse, _volume_server_pb_VolumeEcShardsCopyResponse__Output>
    VolumeEcShardsDeleteRequest: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsDeleteRequest, _volume_server_pb_VolumeEcShardsDeleteRequest__Output>
    VolumeEcShardsDeleteResponse: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsDeleteResponse, _volume_server_pb_VolumeEcShardsDeleteResponse__Output>
    VolumeEcShardsGenerateRequest: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsGenerateRequest, _volume_server_pb_VolumeEcShardsGenerateRequest__Output>
    VolumeEcShardsGenerateResponse: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsGenerateResponse, _volume_server_pb_VolumeEcShardsGenerateResponse__Output>
    VolumeEcShardsInfoRequest: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsInfoRequest, _volume_server_pb_VolumeEcShardsInfoRequest__Output>
    VolumeEcShardsInfoResponse: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsInfoResponse, _volume_server_pb_VolumeEcShardsInfoResponse__Output>
    VolumeEcShardsMountRequest: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsMountRequest, _volume_server_pb_VolumeEcShardsMountRequest__Output>
    VolumeEcShardsMountResponse: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsMountResponse, _volume_server_pb_VolumeEcShardsMountResponse__Output>
    VolumeEcShardsRebuildRequest: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsRebuildRequest, _volume_server_pb_VolumeEcShardsRebuildRequest__Output>
    VolumeEcShardsRebuildResponse: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsRebuildResponse, _volume_server_pb_VolumeEcShardsRebuildResponse__Output>
    VolumeEcShardsToVolumeRequest: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsToVolumeRequest, _volume_server_pb_VolumeEcShardsToVolumeRequest__Output>
    VolumeEcShardsToVolumeResponse: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsToVolumeResponse, _volume_server_pb_VolumeEcShardsToVolumeResponse__Output>
    VolumeEcShardsUnmountRequest: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsUnmountRequest, _volume_server_pb_VolumeEcShardsUnmountRequest__Output>
    VolumeEcShardsUnmountResponse: MessageTypeDefinition<_volume_server_pb_VolumeEcShardsUnmountResponse, _volume_server_pb_VolumeEcShardsUnmountResponse__Output>
    VolumeIncrementalCopyRequest: MessageTypeDefinition<_volume_server_pb_VolumeIncrementalCopyRequest, _volume_server_pb_VolumeIncrementalCopyRequest__Output>
    VolumeIncrementalCopyResponse: MessageTypeDefinition<_volume_server_pb_VolumeIncrementalCopyResponse, _volume_server_pb_VolumeIncrementalCopyResponse__Output>
    VolumeInfo: MessageTypeDefinition<_volume_server_pb_VolumeInfo, _volume_server_pb_VolumeInfo__Output>
    VolumeMarkReadonlyRequest: MessageTypeDefinition<_volume_server_pb_VolumeMarkReadonlyRequest, _volume_server_pb_VolumeMarkReadonlyRequest__Output>
    VolumeMarkReadonlyResponse: MessageTypeDefinition<_volume_server_pb_VolumeMarkReadonlyResponse, _volume_server_pb_VolumeMarkReadonlyResponse__Output>
    VolumeMarkWritableRequest: MessageTypeDefinition<_volume_server_pb_VolumeMarkWritableRequest, _volume_server_pb_VolumeMarkWritableRequest__Output>
    VolumeMarkWritableResponse: MessageTypeDefinition<_volume_server_pb_VolumeMarkWritableResponse, _volume_server_pb_VolumeMarkWritableResponse__Output>
    VolumeMountRequest: MessageTypeDefinition<_volume_server_pb_VolumeMountRequest, _volume_server_pb_VolumeMountRequest__Output>
    VolumeMountResponse: MessageTypeDefinition<_volume_server_pb_VolumeMountResponse, _volume_server_pb_VolumeMountResponse__Output>
    VolumeNeedleStatusRequest: MessageTypeDefinition<_volume_server_pb_VolumeNeedleStatusRequest, _volume_server_pb_VolumeNeedleStatusRequest__Output>
    VolumeNeedleStatusResponse: MessageTypeDefinition<_volume_server_pb_VolumeNeedleStatusResponse, _volume_server_pb_VolumeNeedleStatusResponse__Output>
    VolumeScrubMode: EnumTypeDefinition
    VolumeServer: SubtypeConstructor<typeof grpc.Client, _volume_server_pb_VolumeServerClient> & { service: _volume_server_pb_VolumeServerDefinition }
    VolumeServerLeaveRequest: MessageTypeDefinition<_volume_server_pb_VolumeServerLeaveRequest, _volume_server_pb_VolumeServerLeaveRequest__Output>
    VolumeServerLeaveResponse: MessageTypeDefinition<_volume_server_pb_VolumeServerLeaveResponse, _volume_server_pb_VolumeServerLeaveResponse__Output>
    VolumeServerState: MessageTypeDefinition<_volume_server_pb_VolumeServerState, _volume_server_pb_VolumeServerState__Output>
    VolumeServerStatusRequest: MessageTypeDefinition<_volume_server_pb_VolumeServerStatusRequest, _volume_server_pb_VolumeServerStatusRequest__Output>
    VolumeServerStatusResponse: MessageTypeDefinition<_volume_server_pb_VolumeServerStatusResponse, _volume_server_pb_VolumeServerStatusResponse__Output>
    VolumeStatusRequest: MessageTypeDefinition<_volume_server_pb_VolumeStatusRequest, _volume_server_pb_VolumeStatusRequest__Output>
    VolumeStatusResponse: MessageTypeDefinition<_volume_server_pb_VolumeStatusResponse, _volume_server_pb_VolumeStatusResponse__Output>
    VolumeSyncStatusRequest: MessageTypeDefinition<_volume_server_pb_VolumeSyncStatusRequest, _volume_server_pb_VolumeSyncStatusRequest__Output>
    VolumeSyncStatusResponse: MessageTypeDefinition<_volume_server_pb_VolumeSyncStatusResponse, _volume_server_pb_VolumeSyncStatusResponse__Output>
    VolumeTailReceiverRequest: MessageTypeDefinition<_volume_server_pb_VolumeTailReceiverRequest, _volume_server_pb_VolumeTailReceiverRequest__Output>
    VolumeTailReceiverResponse: MessageTypeDefinition<_volume_server_pb_VolumeTailReceiverResponse, _volume_server_pb_VolumeTailReceiverResponse__Output>
    VolumeTailSenderRequest: MessageTypeDefinition<_volume_server_pb_VolumeTailSenderRequest, _volume_server_pb_VolumeTailSenderRequest__Output>
    VolumeTailSenderResponse: MessageTypeDefinition<_volume_server_pb_VolumeTailSenderResponse, _volume_server_pb_VolumeTailSenderResponse__Output>
    VolumeTierMoveDatFromRemoteRequest: MessageTypeDefinition<_volume_server_pb_VolumeTierMoveDatFromRemoteRequest, _volume_server_pb_VolumeTierMoveDatFromRemoteRequest__Output>
    VolumeTierMoveDatFromRemoteResponse: MessageTypeDefinition<_volume_server_pb_VolumeTierMoveDatFromRemoteResponse, _volume_server_pb_VolumeTierMoveDatFromRemoteResponse__Output>
    VolumeTierMoveDatToRemoteRequest: MessageTypeDefinition<_volume_server_pb_VolumeTierMoveDatToRemoteRequest, _volume_server_pb_VolumeTierMoveDatToRemoteRequest__Output>
    VolumeTierMoveDatToRemoteResponse: MessageTypeDefinition<_volume_server_pb_VolumeTierMoveDatToRemoteResponse, _volume_server_pb_VolumeTierMoveDatToRemoteResponse__Output>
    VolumeUnmountRequest: MessageTypeDefinition<_volume_server_pb_VolumeUnmountRequest, _volume_server_pb_VolumeUnmountRequest__Output>
    VolumeUnmountResponse: MessageTypeDefinition<_volume_server_pb_VolumeUnmountResponse, _volume_server_pb_VolumeUnmountResponse__Output>
    WriteNeedleBlobRequest: MessageTypeDefinition<_volume_server_pb_WriteNeedleBlobRequest, _volume_server_pb_WriteNeedleBlobRequest__Output>
    WriteNeedleBlobResponse: MessageTypeDefinition<_volume_server_pb_WriteNeedleBlobResponse, _volume_server_pb_WriteNeedleBlobResponse__Output>
  }
}

