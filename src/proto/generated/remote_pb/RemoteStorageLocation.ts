// Original file: proto/remote.proto


export interface RemoteStorageLocation {
  'name'?: (string);
  'bucket'?: (string);
  'path'?: (string);
  'listing_cache_ttl_seconds'?: (number);
  'cache_wait_ms'?: (number);
  '_cache_wait_ms'?: "cache_wait_ms";
}

export interface RemoteStorageLocation__Output {
  'name': (string);
  'bucket': (string);
  'path': (string);
  'listing_cache_ttl_seconds': (number);
  'cache_wait_ms'?: (number);
  '_cache_wait_ms'?: "cache_wait_ms";
}
