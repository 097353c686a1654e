// Original file: proto/volume_server.proto


export interface _volume_server_pb_QueryRequest_InputSerialization_CSVInput {
  'file_header_info'?: (string);
  'record_delimiter'?: (string);
  'field_delimiter'?: (string);
  'quote_character'?: (string);
  'quote_escape_character'?: (string);
  'comments'?: (string);
  'allow_quoted_record_delimiter'?: (boolean);
}

export interface _volume_server_pb_QueryRequest_InputSerialization_CSVInput__Output {
  'file_header_info': (string);
  'record_delimiter': (string);
  'field_delimiter': (string);
  'quote_character': (string);
  'quote_escape_character': (string);
  'comments': (string);
  'allow_quoted_record_delimiter': (boolean);
}

export interface _volume_server_pb_QueryRequest_OutputSerialization_CSVOutput {
  'quote_fields'?: (string);
  'record_delimiter'?: (string);
  'field_delimiter'?: (string);
  'quote_character'?: (string);
  'quote_escape_character'?: (string);
}

export interface _volume_server_pb_QueryRequest_OutputSerialization_CSVOutput__Output {
  'quote_fields': (string);
  'record_delimiter': (string);
  'field_delimiter': (string);
  'quote_character': (string);
  'quote_escape_character': (string);
}

export interface _volume_server_pb_QueryRequest_Filter {
  'field'?: (string);
  'operand'?: (string);
  'value'?: (string);
}

export interface _volume_server_pb_QueryRequest_Filter__Output {
  'field': (string);
  'operand': (string);
  'value': (string);
}

export interface _volume_server_pb_QueryRequest_InputSerialization {
  'compression_type'?: (string);
  'csv_input'?: (_volume_server_pb_QueryRequest_InputSerialization_CSVInput | null);
  'json_input'?: (_volume_server_pb_QueryRequest_InputSerialization_JSONInput | null);
  'parquet_input'?: (_volume_server_pb_QueryRequest_InputSerialization_ParquetInput | null);
}

export interface _volume_server_pb_QueryRequest_InputSerialization__Output {
  'compression_type': (string);
  'csv_input': (_volume_server_pb_QueryRequest_InputSerialization_CSVInput__Output | null);
  'json_input': (_volume_server_pb_QueryRequest_InputSerialization_JSONInput__Output | null);
  'parquet_input': (_volume_server_pb_QueryRequest_InputSerialization_ParquetInput__Output | null);
}

export interface _volume_server_pb_QueryRequest_InputSerialization_JSONInput {
  'type'?: (string);
}

export interface _volume_server_pb_QueryRequest_InputSerialization_JSONInput__Output {
  'type': (string);
}

export interface _volume_server_pb_QueryRequest_OutputSerialization_JSONOutput {
  'record_delimiter'?: (string);
}

export interface _volume_server_pb_QueryRequest_OutputSerialization_JSONOutput__Output {
  'record_delimiter': (string);
}

export interface _volume_server_pb_QueryRequest_OutputSerialization {
  'csv_output'?: (_volume_server_pb_QueryRequest_OutputSerialization_CSVOutput | null);
  'json_output'?: (_volume_server_pb_QueryRequest_OutputSerialization_JSONOutput | null);
}

export interface _volume_server_pb_QueryRequest_OutputSerialization__Output {
  'csv_output': (_volume_server_pb_QueryRequest_OutputSerialization_CSVOutput__Output | null);
  'json_output': (_volume_server_pb_QueryRequest_OutputSerialization_JSONOutput__Output | null);
}

export interface _volume_server_pb_QueryRequest_InputSerialization_ParquetInput {
}

export interface _volume_server_pb_QueryRequest_InputSerialization_ParquetInput__Output {
}

export interface QueryRequest {
  'selections'?: (string)[];
  'from_file_ids'?: (string)[];
  'filter'?: (_volume_server_pb_QueryRequest_Filter | null);
  'input_serialization'?: (_volume_server_pb_QueryRequest_InputSerialization | null);
  'output_serialization'?: (_volume_server_pb_QueryRequest_OutputSerialization | null);
}

export interface QueryRequest__Output {
  'selections': (string)[];
  'from_file_ids': (string)[];
  'filter': (_volume_server_pb_QueryRequest_Filter__Output | null);
  'input_serialization': (_volume_server_pb_QueryRequest_InputSerialization__Output | null);
  'output_serialization': (_volume_server_pb_QueryRequest_OutputSerialization__Output | null);
}
