// Original file: proto/master.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AssignRequest as _master_pb_AssignRequest, AssignRequest__Output as _master_pb_AssignRequest__Output } from '../master_pb/AssignRequest.ts';
import type { AssignResponse as _master_pb_AssignResponse, AssignResponse__Output as _master_pb_AssignResponse__Output } from '../master_pb/AssignResponse.ts';
import type { CollectionDeleteRequest as _master_pb_CollectionDeleteRequest, CollectionDeleteRequest__Output as _master_pb_CollectionDeleteRequest__Output } from '../master_pb/CollectionDeleteRequest.ts';
import type { CollectionDeleteResponse as _master_pb_CollectionDeleteResponse, CollectionDeleteResponse__Output as _master_pb_CollectionDeleteResponse__Output } from '../master_pb/CollectionDeleteResponse.ts';
import type { CollectionListRequest as _master_pb_CollectionListRequest, CollectionListRequest__Output as _master_pb_CollectionListRequest__Output } from '../master_pb/CollectionListRequest.ts';
import type { CollectionListResponse as _master_pb_CollectionListResponse, CollectionListResponse__Output as _master_pb_CollectionListResponse__Output } from '../master_pb/CollectionListResponse.ts';
import type { CollectionStatisticsRequest as _master_pb_CollectionStatisticsRequest, CollectionStatisticsRequest__Output as _master_pb_CollectionStatisticsRequest__Output } from '../master_pb/CollectionStatisticsRequest.ts';
import type { CollectionStatisticsResponse as _master_pb_CollectionStatisticsResponse, CollectionStatisticsResponse__Output as _master_pb_CollectionStatisticsResponse__Output } from '../master_pb/CollectionStatisticsResponse.ts';
import type { DisableVacuumRequest as _master_pb_DisableVacuumRequest, DisableVacuumRequest__Output as _master_pb_DisableVacuumRequest__Output } from '../master_pb/DisableVacuumRequest.ts';
import type { DisableVacuumResponse as _master_pb_DisableVacuumResponse, DisableVacuumResponse__Output as _master_pb_DisableVacuumResponse__Output } from '../master_pb/DisableVacuumResponse.ts';
import type { EnableVacuumRequest as _master_pb_EnableVacuumRequest, EnableVacuumRequest__Output as _master_pb_EnableVacuumRequest__Output } from '../master_pb/EnableVacuumRequest.ts';
import type { EnableVacuumResponse as _master_pb_EnableVacuumResponse, EnableVacuumResponse__Output as _master_pb_EnableVacuumResponse__Output } from '../master_pb/EnableVacuumResponse.ts';
import type { GetAdminLockStatusRequest as _master_pb_GetAdminLockStatusRequest, GetAdminLockStatusRequest__Output as _master_pb_GetAdminLockStatusRequest__Output } from '../master_pb/GetAdminLockStatusRequest.ts';
import type { GetAdminLockStatusResponse as _master_pb_GetAdminLockStatusResponse, GetAdminLockStatusResponse__Output as _master_pb_GetAdminLockStatusResponse__Output } from '../master_pb/GetAdminLockStatusResponse.ts';
import type { GetMasterConfigurationRequest as _master_pb_GetMasterConfigurationRequest, GetMasterConfigurationRequest__Output as _master_pb_GetMasterConfigurationRequest__Output } from '../master_pb/GetMasterConfigurationRequest.ts';
import type { GetMasterConfigurationResponse as _master_pb_GetMasterConfigurationResponse, GetMasterConfigurationResponse__Output as _master_pb_GetMasterConfigurationResponse__Output } from '../master_pb/GetMasterConfigurationResponse.ts';
import type { Heartbeat as _master_pb_Heartbeat, Heartbeat__Output as _master_pb_Heartbeat__Output } from '../master_pb/Heartbeat.ts';
import type { HeartbeatResponse as _master_pb_HeartbeatResponse, HeartbeatResponse__Output as _master_pb_HeartbeatResponse__Output } from '../master_pb/HeartbeatResponse.ts';
import type { KeepConnectedRequest as _master_pb_KeepConnectedRequest, KeepConnectedRequest__Output as _master_pb_KeepConnectedRequest__Output } from '../master_pb/KeepConnectedRequest.ts';
import type { KeepConnectedResponse as _master_pb_KeepConnectedResponse, KeepConnectedResponse__Output as _master_pb_KeepConnectedResponse__Output } from '../master_pb/KeepConnectedResponse.ts';
import type { LeaseAdminTokenRequest as _master_pb_LeaseAdminTokenRequest, LeaseAdminTokenRequest__Output as _master_pb_LeaseAdminTokenRequest__Output } from '../master_pb/LeaseAdminTokenRequest.ts';
import type { LeaseAdminTokenResponse as _master_pb_LeaseAdminTokenResponse, LeaseAdminTokenResponse__Output as _master_pb_LeaseAdminTokenResponse__Output } from '../master_pb/LeaseAdminTokenResponse.ts';
import type { ListClusterNodesRequest as _master_pb_ListClusterNodesRequest, ListClusterNodesRequest__Output as _master_pb_ListClusterNodesRequest__Output } from '../master_pb/ListClusterNodesRequest.ts';
import type { ListClusterNodesResponse as _master_pb_ListClusterNodesResponse, ListClusterNodesResponse__Output as _master_pb_ListClusterNodesResponse__Output } from '../master_pb/ListClusterNodesResponse.ts';
import type { LookupEcVolumeRequest as _master_pb_LookupEcVolumeRequest, LookupEcVolumeRequest__Output as _master_pb_LookupEcVolumeRequest__Output } from '../master_pb/LookupEcVolumeRequest.ts';
import type { LookupEcVolumeResponse as _master_pb_LookupEcVolumeResponse, LookupEcVolumeResponse__Output as _master_pb_LookupEcVolumeResponse__Output } from '../master_pb/LookupEcVolumeResponse.ts';
import type { LookupVolumeRequest as _master_pb_LookupVolumeRequest, LookupVolumeRequest__Output as _master_pb_LookupVolumeRequest__Output } from '../master_pb/LookupVolumeRequest.ts';
import type { LookupVolumeResponse as _master_pb_LookupVolumeResponse, LookupVolumeResponse__Output as _master_pb_LookupVolumeResponse__Output } from '../master_pb/LookupVolumeResponse.ts';
import type { PingRequest as _master_pb_PingRequest, PingRequest__Output as _master_pb_PingRequest__Output } from '../master_pb/PingRequest.ts';
import type { PingResponse as _master_pb_PingResponse, PingResponse__Output as _master_pb_PingResponse__Output } from '../master_pb/PingResponse.ts';
import type { RaftAddServerRequest as _master_pb_RaftAddServerRequest, RaftAddServerRequest__Output as _master_pb_RaftAddServerRequest__Output } from '../master_pb/RaftAddServerRequest.ts';
import type { RaftAddServerResponse as _master_pb_RaftAddServerResponse, RaftAddServerResponse__Output as _master_pb_RaftAddServerResponse__Output } from '../master_pb/RaftAddServerResponse.ts';
import type { RaftLeadershipTransferRequest as _master_pb_RaftLeadershipTransferRequest, RaftLeadershipTransferRequest__Output as _master_pb_RaftLeadershipTransferRequest__Output } from '../master_pb/RaftLeadershipTransferRequest.ts';
import type { RaftLeadershipTransferResponse as _master_pb_RaftLeadershipTransferResponse, RaftLeadershipTransferResponse__Output as _master_pb_RaftLeadershipTransferResponse__Output } from '../master_pb/RaftLeadershipTransferResponse.ts';
import type { RaftListClusterServersRequest as _master_pb_RaftListClusterServersRequest, RaftListClusterServersRequest__Output as _master_pb_RaftListClusterServersRequest__Output } from '../master_pb/RaftListClusterServersRequest.ts';
import type { RaftListClusterServersResponse as _master_pb_RaftListClusterServersResponse, RaftListClusterServersResponse__Output as _master_pb_RaftListClusterServersResponse__Output } from '../master_pb/RaftListClusterServersResponse.ts';
import type { RaftRemoveServerRequest as _master_pb_RaftRemoveServerRequest, RaftRemoveServerRequest__Output as _master_pb_RaftRemoveServerRequest__Output } from '../master_pb/RaftRemoveServerRequest.ts';
import type { RaftRemoveServerResponse as _master_pb_RaftRemoveServerResponse, RaftRemoveServerResponse__Output as _master_pb_RaftRemoveServerResponse__Output } from '../master_pb/RaftRemoveServerResponse.ts';
import type { ReleaseAdminTokenRequest as _master_pb_ReleaseAdminTokenRequest, ReleaseAdminTokenRequest__Output as _master_pb_ReleaseAdminTokenRequest__Output } from '../master_pb/ReleaseAdminTokenRequest.ts';
import type { ReleaseAdminTokenResponse as _master_pb_ReleaseAdminTokenResponse, ReleaseAdminTokenResponse__Output as _master_pb_ReleaseAdminTokenResponse__Output } from '../master_pb/ReleaseAdminTokenResponse.ts';
import type { ResumeVolumeGrowthRequest as _master_pb_ResumeVolumeGrowthRequest, ResumeVolumeGrowthRequest__Output as _master_pb_ResumeVolumeGrowthRequest__Output } from '../master_pb/ResumeVolumeGrowthRequest.ts';
import type { ResumeVolumeGrowthResponse as _master_pb_ResumeVolumeGrowthResponse, ResumeVolumeGrowthResponse__Output as _master_pb_ResumeVolumeGrowthResponse__Output } from '../master_pb/ResumeVolumeGrowthResponse.ts';
import type { StatisticsRequest as _master_pb_StatisticsRequest, StatisticsRequest__Output as _master_pb_StatisticsRequest__Output } from '../master_pb/StatisticsRequest.ts';
import type { StatisticsResponse as _master_pb_StatisticsResponse, StatisticsResponse__Output as _master_pb_StatisticsResponse__Output } from '../master_pb/StatisticsResponse.ts';
import type { VacuumVolumeRequest as _master_pb_VacuumVolumeRequest, VacuumVolumeRequest__Output as _master_pb_VacuumVolumeRequest__Output } from '../master_pb/VacuumVolumeRequest.ts';
import type { VacuumVolumeResponse as _master_pb_VacuumVolumeResponse, VacuumVolumeResponse__Output as _master_pb_VacuumVolumeResponse__Output } from '../master_pb/VacuumVolumeResponse.ts';
import type { VolumeGrowRequest as _master_pb_VolumeGrowRequest, VolumeGrowRequest__Output as _master_pb_VolumeGrowRequest__Output } from '../master_pb/VolumeGrowRequest.ts';
import type { VolumeGrowResponse as _master_pb_VolumeGrowResponse, VolumeGrowResponse__Output as _master_pb_VolumeGrowResponse__Output } from '../master_pb/VolumeGrowResponse.ts';
import type { VolumeListRequest as _master_pb_VolumeListRequest, VolumeListRequest__Output as _master_pb_VolumeListRequest__Output } from '../master_pb/VolumeListRequest.ts';
import type { VolumeListResponse as _master_pb_VolumeListResponse, VolumeListResponse__Output as _master_pb_VolumeListResponse__Output } from '../master_pb/VolumeListResponse.ts';
import type { VolumeListStreamResponse as _master_pb_VolumeListStreamResponse, VolumeListStreamResponse__Output as _master_pb_VolumeListStreamResponse__Output } from '../master_pb/VolumeListStreamResponse.ts';
import type { VolumeMarkReadonlyRequest as _master_pb_VolumeMarkReadonlyRequest, VolumeMarkReadonlyRequest__Output as _master_pb_VolumeMarkReadonlyRequest__Output } from '../master_pb/VolumeMarkReadonlyRequest.ts';
import type { VolumeMarkReadonlyResponse as _master_pb_VolumeMarkReadonlyResponse, VolumeMarkReadonlyResponse__Output as _master_pb_VolumeMarkReadonlyResponse__Output } from '../master_pb/VolumeMarkReadonlyResponse.ts';

export interface SeaweedClient extends grpc.Client {
  Assign(argument: _master_pb_AssignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_AssignResponse__Output>): grpc.ClientUnaryCall;
  Assign(argument: _master_pb_AssignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_AssignResponse__Output>): grpc.ClientUnaryCall;
  Assign(argument: _master_pb_AssignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_AssignResponse__Output>): grpc.ClientUnaryCall;
  Assign(argument: _master_pb_AssignRequest, callback: grpc.requestCallback<_master_pb_AssignResponse__Output>): grpc.ClientUnaryCall;
  assign(argument: _master_pb_AssignRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_AssignResponse__Output>): grpc.ClientUnaryCall;
  assign(argument: _master_pb_AssignRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_AssignResponse__Output>): grpc.ClientUnaryCall;
  assign(argument: _master_pb_AssignRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_AssignResponse__Output>): grpc.ClientUnaryCall;
  assign(argument: _master_pb_AssignRequest, callback: grpc.requestCallback<_master_pb_AssignResponse__Output>): grpc.ClientUnaryCall;
  
  CollectionDelete(argument: _master_pb_CollectionDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_CollectionDeleteResponse__Output>): grpc.ClientUnaryCall;
  CollectionDelete(argument: _master_pb_CollectionDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_CollectionDeleteResponse__Output>): grpc.ClientUnaryCall;
  CollectionDelete(argument: _master_pb_CollectionDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_CollectionDeleteResponse__Output>): grpc.ClientUnaryCall;
  CollectionDelete(argument: _master_pb_CollectionDeleteRequest, callback: grpc.requestCallback<_master_pb_CollectionDeleteResponse__Output>): grpc.ClientUnaryCall;
  collectionDelete(argument: _master_pb_CollectionDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_CollectionDeleteResponse__Output>): grpc.ClientUnaryCall;
  collectionDelete(argument: _master_pb_CollectionDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_CollectionDeleteResponse__Output>): grpc.ClientUnaryCall;
  collectionDelete(argument: _master_pb_CollectionDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_CollectionDeleteResponse__Output>): grpc.ClientUnaryCall;
  collectionDelete(argument: _master_pb_CollectionDeleteRequest, callback: grpc.requestCallback<_master_pb_CollectionDeleteResponse__Output>): grpc.ClientUnaryCall;
  
  CollectionList(argument: _master_pb_CollectionListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_CollectionListResponse__Output>): grpc.ClientUnaryCall;
  CollectionList(argument: _master_pb_CollectionListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_CollectionListResponse__Output>): grpc.ClientUnaryCall;
  CollectionList(argument: _master_pb_CollectionListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_CollectionListResponse__Output>): grpc.ClientUnaryCall;
  CollectionList(argument: _master_pb_CollectionListRequest, callback: grpc.requestCallback<_master_pb_CollectionListResponse__Output>): grpc.ClientUnaryCall;
  collectionList(argument: _master_pb_CollectionListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_CollectionListResponse__Output>): grpc.ClientUnaryCall;
  collectionList(argument: _master_pb_CollectionListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_CollectionListResponse__Output>): grpc.ClientUnaryCall;
  collectionList(argument: _master_pb_CollectionListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_CollectionListResponse__Output>): grpc.ClientUnaryCall;
  collectionList(argument: _master_pb_CollectionListRequest, callback: grpc.requestCallback<_master_pb_CollectionListResponse__Output>): grpc.ClientUnaryCall;
  
  CollectionStatistics(argument: _master_pb_CollectionStatisticsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_CollectionStatisticsResponse__Output>): grpc.ClientUnaryCall;
  CollectionStatistics(argument: _master_pb_CollectionStatisticsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_CollectionStatisticsResponse__Output>): grpc.ClientUnaryCall;
  CollectionStatistics(argument: _master_pb_CollectionStatisticsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_CollectionStatisticsResponse__Output>): grpc.ClientUnaryCall;
  CollectionStatistics(argument: _master_pb_CollectionStatisticsRequest, callback: grpc.requestCallback<_master_pb_CollectionStatisticsResponse__Output>): grpc.ClientUnaryCall;
  collectionStatistics(argument: _master_pb_CollectionStatisticsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_CollectionStatisticsResponse__Output>): grpc.ClientUnaryCall;
  collectionStatistics(argument: _master_pb_CollectionStatisticsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_CollectionStatisticsResponse__Output>): grpc.ClientUnaryCall;
  collectionStatistics(argument: _master_pb_CollectionStatisticsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_CollectionStatisticsResponse__Output>): grpc.ClientUnaryCall;
  collectionStatistics(argument: _master_pb_CollectionStatisticsRequest, callback: grpc.requestCallback<_master_pb_CollectionStatisticsResponse__Output>): grpc.ClientUnaryCall;
  
  DisableVacuum(argument: _master_pb_DisableVacuumRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_DisableVacuumResponse__Output>): grpc.ClientUnaryCall;
  DisableVacuum(argument: _master_pb_DisableVacuumRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_DisableVacuumResponse__Output>): grpc.ClientUnaryCall;
  DisableVacuum(argument: _master_pb_DisableVacuumRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_DisableVacuumResponse__Output>): grpc.ClientUnaryCall;
  DisableVacuum(argument: _master_pb_DisableVacuumRequest, callback: grpc.requestCallback<_master_pb_DisableVacuumResponse__Output>): grpc.ClientUnaryCall;
  disableVacuum(argument: _master_pb_DisableVacuumRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_DisableVacuumResponse__Output>): grpc.ClientUnaryCall;
  disableVacuum(argument: _master_pb_DisableVacuumRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_DisableVacuumResponse__Output>): grpc.ClientUnaryCall;
  disableVacuum(argument: _master_pb_DisableVacuumRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_DisableVacuumResponse__Output>): grpc.ClientUnaryCall;
  disableVacuum(argument: _master_pb_DisableVacuumRequest, callback: grpc.requestCallback<_master_pb_DisableVacuumResponse__Output>): grpc.ClientUnaryCall;
  
  EnableVacuum(argument: _master_pb_EnableVacuumRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_EnableVacuumResponse__Output>): grpc.ClientUnaryCall;
  EnableVacuum(argument: _master_pb_EnableVacuumRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_EnableVacuumResponse__Output>): grpc.ClientUnaryCall;
  EnableVacuum(argument: _master_pb_EnableVacuumRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_EnableVacuumResponse__Output>): grpc.ClientUnaryCall;
  EnableVacuum(argument: _master_pb_EnableVacuumRequest, callback: grpc.requestCallback<_master_pb_EnableVacuumResponse__Output>): grpc.ClientUnaryCall;
  enableVacuum(argument: _master_pb_EnableVacuumRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_EnableVacuumResponse__Output>): grpc.ClientUnaryCall;
  enableVacuum(argument: _master_pb_EnableVacuumRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_EnableVacuumResponse__Output>): grpc.ClientUnaryCall;
  enableVacuum(argument: _master_pb_EnableVacuumRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_EnableVacuumResponse__Output>): grpc.ClientUnaryCall;
  enableVacuum(argument: _master_pb_EnableVacuumRequest, callback: grpc.requestCallback<_master_pb_EnableVacuumResponse__Output>): grpc.ClientUnaryCall;
  
  GetAdminLockStatus(argument: _master_pb_GetAdminLockStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_GetAdminLockStatusResponse__Output>): grpc.ClientUnaryCall;
  GetAdminLockStatus(argument: _master_pb_GetAdminLockStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_GetAdminLockStatusResponse__Output>): grpc.ClientUnaryCall;
  GetAdminLockStatus(argument: _master_pb_GetAdminLockStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_GetAdminLockStatusResponse__Output>): grpc.ClientUnaryCall;
  GetAdminLockStatus(argument: _master_pb_GetAdminLockStatusRequest, callback: grpc.requestCallback<_master_pb_GetAdminLockStatusResponse__Output>): grpc.ClientUnaryCall;
  getAdminLockStatus(argument: _master_pb_GetAdminLockStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_GetAdminLockStatusResponse__Output>): grpc.ClientUnaryCall;
  getAdminLockStatus(argument: _master_pb_GetAdminLockStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_GetAdminLockStatusResponse__Output>): grpc.ClientUnaryCall;
  getAdminLockStatus(argument: _master_pb_GetAdminLockStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_GetAdminLockStatusResponse__Output>): grpc.ClientUnaryCall;
  getAdminLockStatus(argument: _master_pb_GetAdminLockStatusRequest, callback: grpc.requestCallback<_master_pb_GetAdminLockStatusResponse__Output>): grpc.ClientUnaryCall;
  
  GetMasterConfiguration(argument: _master_pb_GetMasterConfigurationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_GetMasterConfigurationResponse__Output>): grpc.ClientUnaryCall;
  GetMasterConfiguration(argument: _master_pb_GetMasterConfigurationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_GetMasterConfigurationResponse__Output>): grpc.ClientUnaryCall;
  GetMasterConfiguration(argument: _master_pb_GetMasterConfigurationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_GetMasterConfigurationResponse__Output>): grpc.ClientUnaryCall;
  GetMasterConfiguration(argument: _master_pb_GetMasterConfigurationRequest, callback: grpc.requestCallback<_master_pb_GetMasterConfigurationResponse__Output>): grpc.ClientUnaryCall;
  getMasterConfiguration(argument: _master_pb_GetMasterConfigurationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_GetMasterConfigurationResponse__Output>): grpc.ClientUnaryCall;
  getMasterConfiguration(argument: _master_pb_GetMasterConfigurationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_GetMasterConfigurationResponse__Output>): grpc.ClientUnaryCall;
  getMasterConfiguration(argument: _master_pb_GetMasterConfigurationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_GetMasterConfigurationResponse__Output>): grpc.ClientUnaryCall;
  getMasterConfiguration(argument: _master_pb_GetMasterConfigurationRequest, callback: grpc.requestCallback<_master_pb_GetMasterConfigurationResponse__Output>): grpc.ClientUnaryCall;
  
  KeepConnected(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_master_pb_KeepConnectedRequest, _master_pb_KeepConnectedResponse__Output>;
  KeepConnected(options?: grpc.CallOptions): grpc.ClientDuplexStream<_master_pb_KeepConnectedRequest, _master_pb_KeepConnectedResponse__Output>;
  keepConnected(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_master_pb_KeepConnectedRequest, _master_pb_KeepConnectedResponse__Output>;
  keepConnected(options?: grpc.CallOptions): grpc.ClientDuplexStream<_master_pb_KeepConnectedRequest, _master_pb_KeepConnectedResponse__Output>;
  
  LeaseAdminToken(argument: _master_pb_LeaseAdminTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_LeaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  LeaseAdminToken(argument: _master_pb_LeaseAdminTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_LeaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  LeaseAdminToken(argument: _master_pb_LeaseAdminTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_LeaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  LeaseAdminToken(argument: _master_pb_LeaseAdminTokenRequest, callback: grpc.requestCallback<_master_pb_LeaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  leaseAdminToken(argument: _master_pb_LeaseAdminTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_LeaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  leaseAdminToken(argument: _master_pb_LeaseAdminTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_LeaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  leaseAdminToken(argument: _master_pb_LeaseAdminTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_LeaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  leaseAdminToken(argument: _master_pb_LeaseAdminTokenRequest, callback: grpc.requestCallback<_master_pb_LeaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  
  ListClusterNodes(argument: _master_pb_ListClusterNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_ListClusterNodesResponse__Output>): grpc.ClientUnaryCall;
  ListClusterNodes(argument: _master_pb_ListClusterNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_ListClusterNodesResponse__Output>): grpc.ClientUnaryCall;
  ListClusterNodes(argument: _master_pb_ListClusterNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_ListClusterNodesResponse__Output>): grpc.ClientUnaryCall;
  ListClusterNodes(argument: _master_pb_ListClusterNodesRequest, callback: grpc.requestCallback<_master_pb_ListClusterNodesResponse__Output>): grpc.ClientUnaryCall;
  listClusterNodes(argument: _master_pb_ListClusterNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_ListClusterNodesResponse__Output>): grpc.ClientUnaryCall;
  listClusterNodes(argument: _master_pb_ListClusterNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_ListClusterNodesResponse__Output>): grpc.ClientUnaryCall;
  listClusterNodes(argument: _master_pb_ListClusterNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_ListClusterNodesResponse__Output>): grpc.ClientUnaryCall;
  listClusterNodes(argument: _master_pb_ListClusterNodesRequest, callback: grpc.requestCallback<_master_pb_ListClusterNodesResponse__Output>): grpc.ClientUnaryCall;
  
  LookupEcVolume(argument: _master_pb_LookupEcVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_LookupEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  LookupEcVolume(argument: _master_pb_LookupEcVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_LookupEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  LookupEcVolume(argument: _master_pb_LookupEcVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_LookupEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  LookupEcVolume(argument: _master_pb_LookupEcVolumeRequest, callback: grpc.requestCallback<_master_pb_LookupEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  lookupEcVolume(argument: _master_pb_LookupEcVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_LookupEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  lookupEcVolume(argument: _master_pb_LookupEcVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_LookupEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  lookupEcVolume(argument: _master_pb_LookupEcVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_LookupEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  lookupEcVolume(argument: _master_pb_LookupEcVolumeRequest, callback: grpc.requestCallback<_master_pb_LookupEcVolumeResponse__Output>): grpc.ClientUnaryCall;
  
  LookupVolume(argument: _master_pb_LookupVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_LookupVolumeResponse__Output>): grpc.ClientUnaryCall;
  LookupVolume(argument: _master_pb_LookupVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_LookupVolumeResponse__Output>): grpc.ClientUnaryCall;
  LookupVolume(argument: _master_pb_LookupVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_LookupVolumeResponse__Output>): grpc.ClientUnaryCall;
  LookupVolume(argument: _master_pb_LookupVolumeRequest, callback: grpc.requestCallback<_master_pb_LookupVolumeResponse__Output>): grpc.ClientUnaryCall;
  lookupVolume(argument: _master_pb_LookupVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_LookupVolumeResponse__Output>): grpc.ClientUnaryCall;
  lookupVolume(argument: _master_pb_LookupVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_LookupVolumeResponse__Output>): grpc.ClientUnaryCall;
  lookupVolume(argument: _master_pb_LookupVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_LookupVolumeResponse__Output>): grpc.ClientUnaryCall;
  lookupVolume(argument: _master_pb_LookupVolumeRequest, callback: grpc.requestCallback<_master_pb_LookupVolumeResponse__Output>): grpc.ClientUnaryCall;
  
  Ping(argument: _master_pb_PingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _master_pb_PingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _master_pb_PingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _master_pb_PingRequest, callback: grpc.requestCallback<_master_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _master_pb_PingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _master_pb_PingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _master_pb_PingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _master_pb_PingRequest, callback: grpc.requestCallback<_master_pb_PingResponse__Output>): grpc.ClientUnaryCall;
  
  RaftAddServer(argument: _master_pb_RaftAddServerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftAddServerResponse__Output>): grpc.ClientUnaryCall;
  RaftAddServer(argument: _master_pb_RaftAddServerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_RaftAddServerResponse__Output>): grpc.ClientUnaryCall;
  RaftAddServer(argument: _master_pb_RaftAddServerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftAddServerResponse__Output>): grpc.ClientUnaryCall;
  RaftAddServer(argument: _master_pb_RaftAddServerRequest, callback: grpc.requestCallback<_master_pb_RaftAddServerResponse__Output>): grpc.ClientUnaryCall;
  raftAddServer(argument: _master_pb_RaftAddServerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftAddServerResponse__Output>): grpc.ClientUnaryCall;
  raftAddServer(argument: _master_pb_RaftAddServerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_RaftAddServerResponse__Output>): grpc.ClientUnaryCall;
  raftAddServer(argument: _master_pb_RaftAddServerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftAddServerResponse__Output>): grpc.ClientUnaryCall;
  raftAddServer(argument: _master_pb_RaftAddServerRequest, callback: grpc.requestCallback<_master_pb_RaftAddServerResponse__Output>): grpc.ClientUnaryCall;
  
  RaftLeadershipTransfer(argument: _master_pb_RaftLeadershipTransferRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftLeadershipTransferResponse__Output>): grpc.ClientUnaryCall;
  RaftLeadershipTransfer(argument: _master_pb_RaftLeadershipTransferRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_RaftLeadershipTransferResponse__Output>): grpc.ClientUnaryCall;
  RaftLeadershipTransfer(argument: _master_pb_RaftLeadershipTransferRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftLeadershipTransferResponse__Output>): grpc.ClientUnaryCall;
  RaftLeadershipTransfer(argument: _master_pb_RaftLeadershipTransferRequest, callback: grpc.requestCallback<_master_pb_RaftLeadershipTransferResponse__Output>): grpc.ClientUnaryCall;
  raftLeadershipTransfer(argument: _master_pb_RaftLeadershipTransferRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftLeadershipTransferResponse__Output>): grpc.ClientUnaryCall;
  raftLeadershipTransfer(argument: _master_pb_RaftLeadershipTransferRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_RaftLeadershipTransferResponse__Output>): grpc.ClientUnaryCall;
  raftLeadershipTransfer(argument: _master_pb_RaftLeadershipTransferRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftLeadershipTransferResponse__Output>): grpc.ClientUnaryCall;
  raftLeadershipTransfer(argument: _master_pb_RaftLeadershipTransferRequest, callback: grpc.requestCallback<_master_pb_RaftLeadershipTransferResponse__Output>): grpc.ClientUnaryCall;
  
  RaftListClusterServers(argument: _master_pb_RaftListClusterServersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftListClusterServersResponse__Output>): grpc.ClientUnaryCall;
  RaftListClusterServers(argument: _master_pb_RaftListClusterServersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_RaftListClusterServersResponse__Output>): grpc.ClientUnaryCall;
  RaftListClusterServers(argument: _master_pb_RaftListClusterServersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftListClusterServersResponse__Output>): grpc.ClientUnaryCall;
  RaftListClusterServers(argument: _master_pb_RaftListClusterServersRequest, callback: grpc.requestCallback<_master_pb_RaftListClusterServersResponse__Output>): grpc.ClientUnaryCall;
  raftListClusterServers(argument: _master_pb_RaftListClusterServersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftListClusterServersResponse__Output>): grpc.ClientUnaryCall;
  raftListClusterServers(argument: _master_pb_RaftListClusterServersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_RaftListClusterServersResponse__Output>): grpc.ClientUnaryCall;
  raftListClusterServers(argument: _master_pb_RaftListClusterServersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftListClusterServersResponse__Output>): grpc.ClientUnaryCall;
  raftListClusterServers(argument: _master_pb_RaftListClusterServersRequest, callback: grpc.requestCallback<_master_pb_RaftListClusterServersResponse__Output>): grpc.ClientUnaryCall;
  
  RaftRemoveServer(argument: _master_pb_RaftRemoveServerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftRemoveServerResponse__Output>): grpc.ClientUnaryCall;
  RaftRemoveServer(argument: _master_pb_RaftRemoveServerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_RaftRemoveServerResponse__Output>): grpc.ClientUnaryCall;
  RaftRemoveServer(argument: _master_pb_RaftRemoveServerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftRemoveServerResponse__Output>): grpc.ClientUnaryCall;
  RaftRemoveServer(argument: _master_pb_RaftRemoveServerRequest, callback: grpc.requestCallback<_master_pb_RaftRemoveServerResponse__Output>): grpc.ClientUnaryCall;
  raftRemoveServer(argument: _master_pb_RaftRemoveServerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftRemoveServerResponse__Output>): grpc.ClientUnaryCall;
  raftRemoveServer(argument: _master_pb_RaftRemoveServerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_RaftRemoveServerResponse__Output>): grpc.ClientUnaryCall;
  raftRemoveServer(argument: _master_pb_RaftRemoveServerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_RaftRemoveServerResponse__Output>): grpc.ClientUnaryCall;
  raftRemoveServer(argument: _master_pb_RaftRemoveServerRequest, callback: grpc.requestCallback<_master_pb_RaftRemoveServerResponse__Output>): grpc.ClientUnaryCall;
  
  ReleaseAdminToken(argument: _master_pb_ReleaseAdminTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_ReleaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  ReleaseAdminToken(argument: _master_pb_ReleaseAdminTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_ReleaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  ReleaseAdminToken(argument: _master_pb_ReleaseAdminTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_ReleaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  ReleaseAdminToken(argument: _master_pb_ReleaseAdminTokenRequest, callback: grpc.requestCallback<_master_pb_ReleaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  releaseAdminToken(argument: _master_pb_ReleaseAdminTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_ReleaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  releaseAdminToken(argument: _master_pb_ReleaseAdminTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_ReleaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  releaseAdminToken(argument: _master_pb_ReleaseAdminTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_ReleaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  releaseAdminToken(argument: _master_pb_ReleaseAdminTokenRequest, callback: grpc.requestCallback<_master_pb_ReleaseAdminTokenResponse__Output>): grpc.ClientUnaryCall;
  
  ResumeVolumeGrowth(argument: _master_pb_ResumeVolumeGrowthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_ResumeVolumeGrowthResponse__Output>): grpc.ClientUnaryCall;
  ResumeVolumeGrowth(argument: _master_pb_ResumeVolumeGrowthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_ResumeVolumeGrowthResponse__Output>): grpc.ClientUnaryCall;
  ResumeVolumeGrowth(argument: _master_pb_ResumeVolumeGrowthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_ResumeVolumeGrowthResponse__Output>): grpc.ClientUnaryCall;
  ResumeVolumeGrowth(argument: _master_pb_ResumeVolumeGrowthRequest, callback: grpc.requestCallback<_master_pb_ResumeVolumeGrowthResponse__Output>): grpc.ClientUnaryCall;
  resumeVolumeGrowth(argument: _master_pb_ResumeVolumeGrowthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_ResumeVolumeGrowthResponse__Output>): grpc.ClientUnaryCall;
  resumeVolumeGrowth(argument: _master_pb_ResumeVolumeGrowthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_ResumeVolumeGrowthResponse__Output>): grpc.ClientUnaryCall;
  resumeVolumeGrowth(argument: _master_pb_ResumeVolumeGrowthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_ResumeVolumeGrowthResponse__Output>): grpc.ClientUnaryCall;
  resumeVolumeGrowth(argument: _master_pb_ResumeVolumeGrowthRequest, callback: grpc.requestCallback<_master_pb_ResumeVolumeGrowthResponse__Output>): grpc.ClientUnaryCall;
  
  SendHeartbeat(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_master_pb_Heartbeat, _master_pb_HeartbeatResponse__Output>;
  SendHeartbeat(options?: grpc.CallOptions): grpc.ClientDuplexStream<_master_pb_Heartbeat, _master_pb_HeartbeatResponse__Output>;
  sendHeartbeat(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_master_pb_Heartbeat, _master_pb_HeartbeatResponse__Output>;
  sendHeartbeat(options?: grpc.CallOptions): grpc.ClientDuplexStream<_master_pb_Heartbeat, _master_pb_HeartbeatResponse__Output>;
  
  Statistics(argument: _master_pb_StatisticsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_StatisticsResponse__Output>): grpc.ClientUnaryCall;
  Statistics(argument: _master_pb_StatisticsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_StatisticsResponse__Output>): grpc.ClientUnaryCall;
  Statistics(argument: _master_pb_StatisticsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_StatisticsResponse__Output>): grpc.ClientUnaryCall;
  Statistics(argument: _master_pb_StatisticsRequest, callback: grpc.requestCallback<_master_pb_StatisticsResponse__Output>): grpc.ClientUnaryCall;
  statistics(argument: _master_pb_StatisticsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_StatisticsResponse__Output>): grpc.ClientUnaryCall;
  statistics(argument: _master_pb_StatisticsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_StatisticsResponse__Output>): grpc.ClientUnaryCall;
  statistics(argument: _master_pb_StatisticsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_StatisticsResponse__Output>): grpc.ClientUnaryCall;
  statistics(argument: _master_pb_StatisticsRequest, callback: grpc.requestCallback<_master_pb_StatisticsResponse__Output>): grpc.ClientUnaryCall;
  
  StreamAssign(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_master_pb_AssignRequest, _master_pb_AssignResponse__Output>;
  StreamAssign(options?: grpc.CallOptions): grpc.ClientDuplexStream<_master_pb_AssignRequest, _master_pb_AssignResponse__Output>;
  streamAssign(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_master_pb_AssignRequest, _master_pb_AssignResponse__Output>;
  streamAssign(options?: grpc.CallOptions): grpc.ClientDuplexStream<_master_pb_AssignRequest, _master_pb_AssignResponse__Output>;
  
  VacuumVolume(argument: _master_pb_VacuumVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VacuumVolumeResponse__Output>): grpc.ClientUnaryCall;
  VacuumVolume(argument: _master_pb_VacuumVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_VacuumVolumeResponse__Output>): grpc.ClientUnaryCall;
  VacuumVolume(argument: _master_pb_VacuumVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VacuumVolumeResponse__Output>): grpc.ClientUnaryCall;
  VacuumVolume(argument: _master_pb_VacuumVolumeRequest, callback: grpc.requestCallback<_master_pb_VacuumVolumeResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolume(argument: _master_pb_VacuumVolumeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VacuumVolumeResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolume(argument: _master_pb_VacuumVolumeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_VacuumVolumeResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolume(argument: _master_pb_VacuumVolumeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VacuumVolumeResponse__Output>): grpc.ClientUnaryCall;
  vacuumVolume(argument: _master_pb_VacuumVolumeRequest, callback: grpc.requestCallback<_master_pb_VacuumVolumeResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeGrow(argument: _master_pb_VolumeGrowRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VolumeGrowResponse__Output>): grpc.ClientUnaryCall;
  VolumeGrow(argument: _master_pb_VolumeGrowRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_VolumeGrowResponse__Output>): grpc.ClientUnaryCall;
  VolumeGrow(argument: _master_pb_VolumeGrowRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VolumeGrowResponse__Output>): grpc.ClientUnaryCall;
  VolumeGrow(argument: _master_pb_VolumeGrowRequest, callback: grpc.requestCallback<_master_pb_VolumeGrowResponse__Output>): grpc.ClientUnaryCall;
  volumeGrow(argument: _master_pb_VolumeGrowRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VolumeGrowResponse__Output>): grpc.ClientUnaryCall;
  volumeGrow(argument: _master_pb_VolumeGrowRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_VolumeGrowResponse__Output>): grpc.ClientUnaryCall;
  volumeGrow(argument: _master_pb_VolumeGrowRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VolumeGrowResponse__Output>): grpc.ClientUnaryCall;
  volumeGrow(argument: _master_pb_VolumeGrowRequest, callback: grpc.requestCallback<_master_pb_VolumeGrowResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeList(argument: _master_pb_VolumeListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VolumeListResponse__Output>): grpc.ClientUnaryCall;
  VolumeList(argument: _master_pb_VolumeListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_VolumeListResponse__Output>): grpc.ClientUnaryCall;
  VolumeList(argument: _master_pb_VolumeListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VolumeListResponse__Output>): grpc.ClientUnaryCall;
  VolumeList(argument: _master_pb_VolumeListRequest, callback: grpc.requestCallback<_master_pb_VolumeListResponse__Output>): grpc.ClientUnaryCall;
  volumeList(argument: _master_pb_VolumeListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VolumeListResponse__Output>): grpc.ClientUnaryCall;
  volumeList(argument: _master_pb_VolumeListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_VolumeListResponse__Output>): grpc.ClientUnaryCall;
  volumeList(argument: _master_pb_VolumeListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VolumeListResponse__Output>): grpc.ClientUnaryCall;
  volumeList(argument: _master_pb_VolumeListRequest, callback: grpc.requestCallback<_master_pb_VolumeListResponse__Output>): grpc.ClientUnaryCall;
  
  VolumeListStream(argument: _master_pb_VolumeListRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_master_pb_VolumeListStreamResponse__Output>;
  VolumeListStream(argument: _master_pb_VolumeListRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_master_pb_VolumeListStreamResponse__Output>;
  volumeListStream(argument: _master_pb_VolumeListRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_master_pb_VolumeListStreamResponse__Output>;
  volumeListStream(argument: _master_pb_VolumeListRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_master_pb_VolumeListStreamResponse__Output>;
  
  VolumeMarkReadonly(argument: _master_pb_VolumeMarkReadonlyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  VolumeMarkReadonly(argument: _master_pb_VolumeMarkReadonlyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  VolumeMarkReadonly(argument: _master_pb_VolumeMarkReadonlyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  VolumeMarkReadonly(argument: _master_pb_VolumeMarkReadonlyRequest, callback: grpc.requestCallback<_master_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  volumeMarkReadonly(argument: _master_pb_VolumeMarkReadonlyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  volumeMarkReadonly(argument: _master_pb_VolumeMarkReadonlyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_master_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  volumeMarkReadonly(argument: _master_pb_VolumeMarkReadonlyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_master_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  volumeMarkReadonly(argument: _master_pb_VolumeMarkReadonlyRequest, callback: grpc.requestCallback<_master_pb_VolumeMarkReadonlyResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface SeaweedHandlers extends grpc.UntypedServiceImplementation {
  Assign: grpc.handleUnaryCall<_master_pb_AssignRequest__Output, _master_pb_AssignResponse>;
  
  CollectionDelete: grpc.handleUnaryCall<_master_pb_CollectionDeleteRequest__Output, _master_pb_CollectionDeleteResponse>;
  
  CollectionList: grpc.handleUnaryCall<_master_pb_CollectionListRequest__Output, _master_pb_CollectionListResponse>;
  
  CollectionStatistics: grpc.handleUnaryCall<_master_pb_CollectionStatisticsRequest__Output, _master_pb_CollectionStatisticsResponse>;
  
  DisableVacuum: grpc.handleUnaryCall<_master_pb_DisableVacuumRequest__Output, _master_pb_DisableVacuumResponse>;
  
  EnableVacuum: grpc.handleUnaryCall<_master_pb_EnableVacuumRequest__Output, _master_pb_EnableVacuumResponse>;
  
  GetAdminLockStatus: grpc.handleUnaryCall<_master_pb_GetAdminLockStatusRequest__Output, _master_pb_GetAdminLockStatusResponse>;
  
  GetMasterConfiguration: grpc.handleUnaryCall<_master_pb_GetMasterConfigurationRequest__Output, _master_pb_GetMasterConfigurationResponse>;
  
  KeepConnected: grpc.handleBidiStreamingCall<_master_pb_KeepConnectedRequest__Output, _master_pb_KeepConnectedResponse>;
  
  LeaseAdminToken: grpc.handleUnaryCall<_master_pb_LeaseAdminTokenRequest__Output, _master_pb_LeaseAdminTokenResponse>;
  
  ListClusterNodes: grpc.handleUnaryCall<_master_pb_ListClusterNodesRequest__Output, _master_pb_ListClusterNodesResponse>;
  
  LookupEcVolume: grpc.handleUnaryCall<_master_pb_LookupEcVolumeRequest__Output, _master_pb_LookupEcVolumeResponse>;
  
  LookupVolume: grpc.handleUnaryCall<_master_pb_LookupVolumeRequest__Output, _master_pb_LookupVolumeResponse>;
  
  Ping: grpc.handleUnaryCall<_master_pb_PingRequest__Output, _master_pb_PingResponse>;
  
  RaftAddServer: grpc.handleUnaryCall<_master_pb_RaftAddServerRequest__Output, _master_pb_RaftAddServerResponse>;
  
  RaftLeadershipTransfer: grpc.handleUnaryCall<_master_pb_RaftLeadershipTransferRequest__Output, _master_pb_RaftLeadershipTransferResponse>;
  
  RaftListClusterServers: grpc.handleUnaryCall<_master_pb_RaftListClusterServersRequest__Output, _master_pb_RaftListClusterServersResponse>;
  
  RaftRemoveServer: grpc.handleUnaryCall<_master_pb_RaftRemoveServerRequest__Output, _master_pb_RaftRemoveServerResponse>;
  
  ReleaseAdminToken: grpc.handleUnaryCall<_master_pb_ReleaseAdminTokenRequest__Output, _master_pb_ReleaseAdminTokenResponse>;
  
  ResumeVolumeGrowth: grpc.handleUnaryCall<_master_pb_ResumeVolumeGrowthRequest__Output, _master_pb_ResumeVolumeGrowthResponse>;
  
  SendHeartbeat: grpc.handleBidiStreamingCall<_master_pb_Heartbeat__Output, _master_pb_HeartbeatResponse>;
  
  Statistics: grpc.handleUnaryCall<_master_pb_StatisticsRequest__Output, _master_pb_StatisticsResponse>;
  
  StreamAssign: grpc.handleBidiStreamingCall<_master_pb_AssignRequest__Output, _master_pb_AssignResponse>;
  
  VacuumVolume: grpc.handleUnaryCall<_master_pb_VacuumVolumeRequest__Output, _master_pb_VacuumVolumeResponse>;
  
  VolumeGrow: grpc.handleUnaryCall<_master_pb_VolumeGrowRequest__Output, _master_pb_VolumeGrowResponse>;
  
  VolumeList: grpc.handleUnaryCall<_master_pb_VolumeListRequest__Output, _master_pb_VolumeListResponse>;
  
  VolumeListStream: grpc.handleServerStreamingCall<_master_pb_VolumeListRequest__Output, _master_pb_VolumeListStreamResponse>;
  
  VolumeMarkReadonly: grpc.handleUnaryCall<_master_pb_VolumeMarkReadonlyRequest__Output, _master_pb_VolumeMarkReadonlyResponse>;
  
}

export interface SeaweedDefinition extends grpc.ServiceDefinition {
  Assign: MethodDefinition<_master_pb_AssignRequest, _master_pb_AssignResponse, _master_pb_AssignRequest__Output, _master_pb_AssignResponse__Output>
  CollectionDelete: MethodDefinition<_master_pb_CollectionDeleteRequest, _master_pb_CollectionDeleteResponse, _master_pb_CollectionDeleteRequest__Output, _master_pb_CollectionDeleteResponse__Output>
  CollectionList: MethodDefinition<_master_pb_CollectionListRequest, _master_pb_CollectionListResponse, _master_pb_CollectionListRequest__Output, _master_pb_CollectionListResponse__Output>
  CollectionStatistics: MethodDefinition<_master_pb_CollectionStatisticsRequest, _master_pb_CollectionStatisticsResponse, _master_pb_CollectionStatisticsRequest__Output, _master_pb_CollectionStatisticsResponse__Output>
  DisableVacuum: MethodDefinition<_master_pb_DisableVacuumRequest, _master_pb_DisableVacuumResponse, _master_pb_DisableVacuumRequest__Output, _master_pb_DisableVacuumResponse__Output>
  EnableVacuum: MethodDefinition<_master_pb_EnableVacuumRequest, _master_pb_EnableVacuumResponse, _master_pb_EnableVacuumRequest__Output, _master_pb_EnableVacuumResponse__Output>
  GetAdminLockStatus: MethodDefinition<_master_pb_GetAdminLockStatusRequest, _master_pb_GetAdminLockStatusResponse, _master_pb_GetAdminLockStatusRequest__Output, _master_pb_GetAdminLockStatusResponse__Output>
  GetMasterConfiguration: MethodDefinition<_master_pb_GetMasterConfigurationRequest, _master_pb_GetMasterConfigurationResponse, _master_pb_GetMasterConfigurationRequest__Output, _master_pb_GetMasterConfigurationResponse__Output>
  KeepConnected: MethodDefinition<_master_pb_KeepConnectedRequest, _master_pb_KeepConnectedResponse, _master_pb_KeepConnectedRequest__Output, _master_pb_KeepConnectedResponse__Output>
  LeaseAdminToken: MethodDefinition<_master_pb_LeaseAdminTokenRequest, _master_pb_LeaseAdminTokenResponse, _master_pb_LeaseAdminTokenRequest__Output, _master_pb_LeaseAdminTokenResponse__Output>
  ListClusterNodes: MethodDefinition<_master_pb_ListClusterNodesRequest, _master_pb_ListClusterNodesResponse, _master_pb_ListClusterNodesRequest__Output, _master_pb_ListClusterNodesResponse__Output>
  LookupEcVolume: MethodDefinition<_master_pb_LookupEcVolumeRequest, _master_pb_LookupEcVolumeResponse, _master_pb_LookupEcVolumeRequest__Output, _master_pb_LookupEcVolumeResponse__Output>
  LookupVolume: MethodDefinition<_master_pb_LookupVolumeRequest, _master_pb_LookupVolumeResponse, _master_pb_LookupVolumeRequest__Output, _master_pb_LookupVolumeResponse__Output>
  Ping: MethodDefinition<_master_pb_PingRequest, _master_pb_PingResponse, _master_pb_PingRequest__Output, _master_pb_PingResponse__Output>
  RaftAddServer: MethodDefinition<_master_pb_RaftAddServerRequest, _master_pb_RaftAddServerResponse, _master_pb_RaftAddServerRequest__Output, _master_pb_RaftAddServerResponse__Output>
  RaftLeadershipTransfer: MethodDefinition<_master_pb_RaftLeadershipTransferRequest, _master_pb_RaftLeadershipTransferResponse, _master_pb_RaftLeadershipTransferRequest__Output, _master_pb_RaftLeadershipTransferResponse__Output>
  RaftListClusterServers: MethodDefinition<_master_pb_RaftListClusterServersRequest, _master_pb_RaftListClusterServersResponse, _master_pb_RaftListClusterServersRequest__Output, _master_pb_RaftListClusterServersResponse__Output>
  RaftRemoveServer: MethodDefinition<_master_pb_RaftRemoveServerRequest, _master_pb_RaftRemoveServerResponse, _master_pb_RaftRemoveServerRequest__Output, _master_pb_RaftRemoveServerResponse__Output>
  ReleaseAdminToken: MethodDefinition<_master_pb_ReleaseAdminTokenRequest, _master_pb_ReleaseAdminTokenResponse, _master_pb_ReleaseAdminTokenRequest__Output, _master_pb_ReleaseAdminTokenResponse__Output>
  ResumeVolumeGrowth: MethodDefinition<_master_pb_ResumeVolumeGrowthRequest, _master_pb_ResumeVolumeGrowthResponse, _master_pb_ResumeVolumeGrowthRequest__Output, _master_pb_ResumeVolumeGrowthResponse__Output>
  SendHeartbeat: MethodDefinition<_master_pb_Heartbeat, _master_pb_HeartbeatResponse, _master_pb_Heartbeat__Output, _master_pb_HeartbeatResponse__Output>
  Statistics: MethodDefinition<_master_pb_StatisticsRequest, _master_pb_StatisticsResponse, _master_pb_StatisticsRequest__Output, _master_pb_StatisticsResponse__Output>
  StreamAssign: MethodDefinition<_master_pb_AssignRequest, _master_pb_AssignResponse, _master_pb_AssignRequest__Output, _master_pb_AssignResponse__Output>
  VacuumVolume: MethodDefinition<_master_pb_VacuumVolumeRequest, _master_pb_VacuumVolumeResponse, _master_pb_VacuumVolumeRequest__Output, _master_pb_VacuumVolumeResponse__Output>
  VolumeGrow: MethodDefinition<_master_pb_VolumeGrowRequest, _master_pb_VolumeGrowResponse, _master_pb_VolumeGrowRequest__Output, _master_pb_VolumeGrowResponse__Output>
  VolumeList: MethodDefinition<_master_pb_VolumeListRequest, _master_pb_VolumeListResponse, _master_pb_VolumeListRequest__Output, _master_pb_VolumeListResponse__Output>
  VolumeListStream: MethodDefinition<_master_pb_VolumeListRequest, _master_pb_VolumeListStreamResponse, _master_pb_VolumeListRequest__Output, _master_pb_VolumeListStreamResponse__Output>
  VolumeMarkReadonly: MethodDefinition<_master_pb_VolumeMarkReadonlyRequest, _master_pb_VolumeMarkReadonlyResponse, _master_pb_VolumeMarkReadonlyRequest__Output, _master_pb_VolumeMarkReadonlyResponse__Output>
}
