// Command goldens writes JSON golden fixtures for Needlework by calling the
// real SeaweedFS 4.44 Go code (needle write path, super block, idx entry
// encoder, file ids, TTLs, replica placements, .vif writer).
//
// Run it twice from test/go (see test/fixtures/README.md):
//
//	go run ./goldens -out ../fixtures/golden-offset4.json
//	go run -tags 5BytesOffset ./goldens -out ../fixtures/golden-offset5.json
//
// The offset width (4 or 5 bytes) comes from the build tag through
// types.OffsetSize; everything else is the same in both runs.
package main

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/seaweedfs/seaweedfs/weed/pb/volume_server_pb"
	"github.com/seaweedfs/seaweedfs/weed/storage/backend"
	"github.com/seaweedfs/seaweedfs/weed/storage/needle"
	"github.com/seaweedfs/seaweedfs/weed/storage/needle_map"
	"github.com/seaweedfs/seaweedfs/weed/storage/super_block"
	"github.com/seaweedfs/seaweedfs/weed/storage/types"
	"github.com/seaweedfs/seaweedfs/weed/storage/volume_info"
	"github.com/seaweedfs/seaweedfs/weed/util"
)

const seaweedVersion = "4.44"

// ---------------------------------------------------------------- schema

type Golden struct {
	Generator         string            `json:"generator"`
	SeaweedFSVersion  string            `json:"seaweedfsVersion"`
	OffsetSize        int               `json:"offsetSize"`
	MaxVolumeSize     string            `json:"maxPossibleVolumeSize"`
	Needles           []NeedleCase      `json:"needles"`
	SuperBlocks       []SuperBlockCase  `json:"superBlocks"`
	IdxEntries        []IdxCase         `json:"idxEntries"`
	FileIds           []FileIdCase      `json:"fileIds"`
	FileIdParses      []FileIdParseCase `json:"fileIdParses"`
	TTLs              []TTLCase         `json:"ttls"`
	ReplicaPlacements []ReplicaCase     `json:"replicaPlacements"`
	Vif               []VifCase         `json:"vif"`
}

type NeedleInput struct {
	Cookie          uint32 `json:"cookie"`
	Id              string `json:"id"`
	DataHex         string `json:"dataHex"`
	Name            string `json:"name"`
	Mime            string `json:"mime"`
	LastModified    uint64 `json:"lastModified"`
	TTL             string `json:"ttl"`
	Pairs           string `json:"pairs"`
	IsCompressed    bool   `json:"isCompressed"`
	IsChunkManifest bool   `json:"isChunkManifest"`
	AppendAtNs      string `json:"appendAtNs"`
}

type AppendResult struct {
	Offset     string `json:"offset"`
	Size       int64  `json:"size"`
	ActualSize int64  `json:"actualSize"`
}

type NeedleCase struct {
	Name    string      `json:"name"`
	Version int         `json:"version"`
	Input   NeedleInput `json:"input"`
	// Flags is the needle's flags value (0 for v1, which has no flags byte).
	Flags int `json:"flags"`
	// FlagsWritten tells whether the flags byte (and everything after the
	// data) is in the record: false for v1 and for DataSize 0.
	FlagsWritten bool `json:"flagsWritten"`
	// Size is the needle header Size field (n.Size) as written.
	Size int32 `json:"size"`
	// DataSize is len(data) (v2/v3 DataSize field; for v1 it equals Size).
	DataSize uint32 `json:"dataSize"`
	// NameSize as computed by the writer (v2/v3; 255 when the name is 255
	// bytes or longer); only on disk when FlagsWritten and the name flag is set.
	NameSize int `json:"nameSize"`
	// Checksum is the raw CRC32-C of the data, 8 lowercase hex chars.
	Checksum string `json:"checksum"`
	// AppendAtNsWritten is parsed from the v3 record ("" for v1/v2).
	AppendAtNsWritten string `json:"appendAtNsWritten"`
	// Padding is the number of padding bytes (1..8, never 0).
	Padding int `json:"padding"`
	// PaddingHex is the padding bytes exactly as written.
	PaddingHex string `json:"paddingHex"`
	// ActualSize is the total number of record bytes on disk (len(recordHex)/2).
	ActualSize int64 `json:"actualSize"`
	// GetActualSize is needle.GetActualSize(Size, version).
	GetActualSize int64 `json:"getActualSize"`
	// AppendReturned is what (*Needle).Append returned.
	AppendReturned AppendResult `json:"appendReturned"`
	RecordHex      string       `json:"recordHex"`
}

type SuperBlockCase struct {
	Version            int    `json:"version"`
	Replication        string `json:"replication"`
	TTL                string `json:"ttl"`
	CompactionRevision uint16 `json:"compactionRevision"`
	Hex                string `json:"hex"`
}

type IdxCase struct {
	Key    string `json:"key"`
	Offset string `json:"offset"`
	Size   int32  `json:"size"`
	Hex    string `json:"hex"`
	// OffsetUnitsHex is the encoded offset field alone (offset/8).
	OffsetFieldHex string `json:"offsetFieldHex"`
	// DecodedOffset is types.BytesToOffset(field).ToActualOffset().
	DecodedOffset string `json:"decodedOffset"`
}

type FileIdCase struct {
	Vid    uint32 `json:"vid"`
	Key    string `json:"key"`
	Cookie uint32 `json:"cookie"`
	String string `json:"string"`
}

type FileIdParseCase struct {
	Input  string `json:"input"`
	Ok     bool   `json:"ok"`
	Vid    uint32 `json:"vid"`
	Key    string `json:"key"`
	Cookie uint32 `json:"cookie"`
	// String is the canonical re-formatting of a parsed id ("" on error).
	String string `json:"string"`
	Error  string `json:"error"`
}

type TTLCase struct {
	Input   string `json:"input"`
	Ok      bool   `json:"ok"`
	Hex     string `json:"hex"`
	Minutes uint32 `json:"minutes"`
	// String is (*TTL).String() of the parsed value.
	String string `json:"string"`
	// ToUint32 is (*TTL).ToUint32() of the parsed value.
	ToUint32 uint32 `json:"toUint32"`
	Error    string `json:"error"`
}

type ReplicaCase struct {
	Input string `json:"input"`
	Ok    bool   `json:"ok"`
	Byte  int    `json:"byte"`
	// String is (*ReplicaPlacement).String() of the parsed value.
	String string `json:"string"`
	Error  string `json:"error"`
}

type VifCase struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// ---------------------------------------------------------------- helpers

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "goldens:", err)
		os.Exit(1)
	}
}

func u64s(v uint64) string { return strconv.FormatUint(v, 10) }

// pseudoRandom returns n deterministic bytes from a 64-bit xorshift generator.
func pseudoRandom(n int, seed uint64) []byte {
	out := make([]byte, n)
	x := seed
	for i := range out {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		out[i] = byte(x >> 24)
	}
	return out
}

type needleSpec struct {
	name            string
	version         needle.Version
	cookie          uint32
	id              uint64
	data            []byte
	fname           string
	setNameFlag     bool // set FlagHasName even if fname is empty
	mime            string
	setMimeFlag     bool
	lastModified    uint64
	setLastModified bool
	ttl             string
	pairs           string
	compressed      bool
	chunkManifest   bool
	appendAtNs      uint64
}

func buildNeedle(tmpDir string, s needleSpec) NeedleCase {
	n := &needle.Needle{
		Cookie:     types.Cookie(s.cookie),
		Id:         types.NeedleId(s.id),
		Data:       s.data,
		AppendAtNs: s.appendAtNs,
	}
	if s.fname != "" || s.setNameFlag {
		n.Name = []byte(s.fname)
		n.SetHasName()
	}
	if s.mime != "" || s.setMimeFlag {
		n.Mime = []byte(s.mime)
		n.SetHasMime()
	}
	if s.setLastModified {
		n.LastModified = s.lastModified
		n.SetHasLastModifiedDate()
	}
	if s.ttl != "" {
		ttl, err := needle.ReadTTL(s.ttl)
		must(err)
		n.Ttl = ttl
		n.SetHasTtl()
	}
	if s.pairs != "" {
		n.Pairs = []byte(s.pairs)
		n.PairsSize = uint16(len(n.Pairs))
		n.SetHasPairs()
	}
	if s.compressed {
		n.SetIsCompressed()
	}
	if s.chunkManifest {
		n.SetIsChunkManifest()
	}
	// The volume server computes the checksum over the stored data bytes.
	n.Checksum = needle.NewCRC(n.Data)
	if s.version == needle.Version1 {
		// v1 has no flags byte; keep the reported flags honest.
		n.Flags = 0
	}

	path := filepath.Join(tmpDir, strings.ReplaceAll(s.name, " ", "_")+".dat")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0644)
	must(err)
	df := backend.NewDiskFile(f)
	offset, size, actualSize, err := n.Append(df, s.version)
	must(err)
	must(df.Sync())
	must(df.Close())
	record, err := os.ReadFile(path)
	must(err)

	body := needle.NeedleBodyLength(n.Size, s.version)
	if int64(len(record)) != types.NeedleHeaderSize+body {
		must(fmt.Errorf("%s: wrote %d bytes, expected %d", s.name, len(record), types.NeedleHeaderSize+body))
	}
	padding := int(needle.PaddingLength(n.Size, s.version))
	paddingBytes := record[len(record)-padding:]

	appendAtWritten := ""
	if s.version == needle.Version3 {
		tsAt := types.NeedleHeaderSize + int(n.Size) + needle.NeedleChecksumSize
		appendAtWritten = u64s(util.BytesToUint64(record[tsAt : tsAt+types.TimestampSize]))
	}
	csum := make([]byte, 4)
	util.Uint32toBytes(csum, uint32(n.Checksum))

	in := NeedleInput{
		Cookie:          s.cookie,
		Id:              u64s(s.id),
		DataHex:         hex.EncodeToString(s.data),
		Name:            s.fname,
		Mime:            s.mime,
		LastModified:    s.lastModified,
		TTL:             s.ttl,
		Pairs:           s.pairs,
		IsCompressed:    s.compressed,
		IsChunkManifest: s.chunkManifest,
		AppendAtNs:      u64s(s.appendAtNs),
	}
	nameSize := 0
	if s.version != needle.Version1 {
		nameSize = int(n.NameSize)
	}
	return NeedleCase{
		Name:              s.name,
		Version:           int(s.version),
		Input:             in,
		Flags:             int(n.Flags),
		FlagsWritten:      s.version != needle.Version1 && len(s.data) > 0,
		Size:              int32(n.Size),
		DataSize:          uint32(len(s.data)),
		NameSize:          nameSize,
		Checksum:          hex.EncodeToString(csum),
		AppendAtNsWritten: appendAtWritten,
		Padding:           padding,
		PaddingHex:        hex.EncodeToString(paddingBytes),
		ActualSize:        int64(len(record)),
		GetActualSize:     needle.GetActualSize(n.Size, s.version),
		AppendReturned:    AppendResult{Offset: u64s(offset), Size: int64(size), ActualSize: actualSize},
		RecordHex:         hex.EncodeToString(record),
	}
}

func needleCases(tmpDir string) []NeedleCase {
	const ts = uint64(1700000000123456789)
	hello := []byte("hello")
	gz, err := util.GzipData([]byte(strings.Repeat("needlework compresses text. ", 20)))
	must(err)
	manifest := `{"name":"big.bin","mime":"application/octet-stream","size":20,"chunks":[` +
		`{"fid":"3,01637037d6","offset":0,"size":10},{"fid":"3,02a1b2c3d4","offset":10,"size":10}]}`
	long := strings.Repeat("n", 300)
	v1, v2, v3 := needle.Version1, needle.Version2, needle.Version3
	const bigId = 0x0102030405060708
	specs := []needleSpec{
		{name: "v1 hello", version: v1, cookie: 0x1637037d, id: 1, data: hello, appendAtNs: ts},
		{name: "v2 hello", version: v2, cookie: 0x1637037d, id: 1, data: hello, appendAtNs: ts},
		{name: "v3 hello", version: v3, cookie: 0x1637037d, id: 1, data: hello, appendAtNs: ts},
		{name: "v1 hello big id", version: v1, cookie: 0xdeadbeef, id: bigId, data: hello, appendAtNs: ts},
		{name: "v2 hello big id", version: v2, cookie: 0xdeadbeef, id: bigId, data: hello, appendAtNs: ts},
		{name: "v3 hello big id", version: v3, cookie: 0xdeadbeef, id: bigId, data: hello, appendAtNs: ts},
		{name: "v3 name mime lastModified (upload flags 0x0e)", version: v3, cookie: 0x01020304, id: 2,
			data: []byte("hello world\n"), fname: "a.txt", mime: "text/plain",
			lastModified: 1700000000, setLastModified: true, appendAtNs: ts},
		{name: "v3 upload flags 0x0e empty name and mime", version: v3, cookie: 0x01020304, id: 3,
			data: []byte("raw body"), setNameFlag: true, setMimeFlag: true,
			lastModified: 1700000000, setLastModified: true, appendAtNs: ts},
		{name: "v3 ttl 3d", version: v3, cookie: 0x0a0b0c0d, id: 4, data: hello, ttl: "3d", appendAtNs: ts},
		{name: "v3 pairs", version: v3, cookie: 0x0a0b0c0d, id: 5, data: hello, pairs: `{"k":"v"}`, appendAtNs: ts},
		{name: "v3 compressed gzip", version: v3, cookie: 0x11223344, id: 6, data: gz, fname: "c.txt",
			mime: "text/plain", lastModified: 1700000000, setLastModified: true, compressed: true, appendAtNs: ts},
		{name: "v3 chunk manifest", version: v3, cookie: 0x55667788, id: 7, data: []byte(manifest),
			mime: "application/json", lastModified: 1700000000, setLastModified: true, chunkManifest: true, appendAtNs: ts},
		{name: "v3 all flags", version: v3, cookie: 0x99aabbcc, id: 8, data: gz, fname: "all.txt",
			mime: "text/plain", lastModified: 1700000000, setLastModified: true, ttl: "3d",
			pairs: `{"k":"v"}`, compressed: true, chunkManifest: true, appendAtNs: ts},
		{name: "v3 empty data (tombstone shape)", version: v3, cookie: 0x1637037d, id: 9, data: nil, appendAtNs: ts},
		{name: "v3 empty data with name and mime flags", version: v3, cookie: 0x1637037d, id: 10, data: []byte{},
			fname: "x.txt", mime: "text/plain", lastModified: 1700000000, setLastModified: true, appendAtNs: ts},
		{name: "v2 empty data", version: v2, cookie: 0x1637037d, id: 11, data: nil, appendAtNs: ts},
		{name: "v1 empty data", version: v1, cookie: 0x1637037d, id: 12, data: nil, appendAtNs: ts},
		{name: "v3 name 300 bytes", version: v3, cookie: 0x0badcafe, id: 13, data: hello, fname: long, appendAtNs: ts},
		{name: "v3 name 255 bytes", version: v3, cookie: 0x0badcafe, id: 14, data: hello, fname: long[:255], appendAtNs: ts},
		{name: "v3 name 254 bytes", version: v3, cookie: 0x0badcafe, id: 15, data: hello, fname: long[:254], appendAtNs: ts},
		{name: "v1 aligned (padding 8)", version: v1, cookie: 0x0c0c0c0c, id: bigId, data: []byte("abcd"), appendAtNs: ts},
		{name: "v2 aligned (padding 8)", version: v2, cookie: 0x0c0c0c0c, id: bigId, data: []byte("abcdefg"), appendAtNs: ts},
		{name: "v3 aligned (padding 8)", version: v3, cookie: 0x0c0c0c0c, id: bigId, data: []byte("abcdefg"), appendAtNs: ts},
		{name: "v2 lastModified (padding quirk)", version: v2, cookie: 0x0d0d0d0d, id: bigId, data: []byte("hello v2"),
			lastModified: 1700000000, setLastModified: true, appendAtNs: ts},
		{name: "v2 name mime lastModified", version: v2, cookie: 0x0d0d0d0d, id: 16, data: []byte("hello world\n"),
			fname: "a.txt", mime: "text/plain", lastModified: 1700000000, setLastModified: true, appendAtNs: ts},
		{name: "v3 1000 pseudo-random bytes", version: v3, cookie: 0x7e7e7e7e, id: 0xffffffffffffffff,
			data: pseudoRandom(1000, 0x9e3779b97f4a7c15), fname: "r.bin", mime: "application/octet-stream",
			lastModified: 1700000000, setLastModified: true, appendAtNs: ts},
		{name: "v3 appendAtNs zero", version: v3, cookie: 0x1637037d, id: 17, data: hello, appendAtNs: 0},
	}
	// Every padding length 1..8 for v3 with flags 0 (data lengths 0..8 shift
	// the record by one byte each).
	for l := 1; l <= 8; l++ {
		specs = append(specs, needleSpec{name: fmt.Sprintf("v3 data length %d", l), version: v3,
			cookie: 0x1637037d, id: 0x100 + uint64(l), data: []byte(strings.Repeat("z", l)), appendAtNs: ts})
	}
	out := make([]NeedleCase, 0, len(specs))
	for _, s := range specs {
		out = append(out, buildNeedle(tmpDir, s))
	}
	return out
}

func superBlockCases() []SuperBlockCase {
	type sb struct {
		v   needle.Version
		rp  string
		ttl string
		rev uint16
	}
	specs := []sb{
		{1, "000", "", 0}, {2, "000", "", 0}, {3, "000", "", 0},
		{3, "001", "3d", 0}, {3, "001", "3d", 5}, {3, "001", "3d", 65535},
		{2, "010", "5m", 5}, {1, "100", "24h", 65535}, {3, "200", "1y", 1},
		{3, "110", "2w", 258}, {3, "002", "7M", 0}, {3, "000", "120m", 0},
	}
	var out []SuperBlockCase
	for _, s := range specs {
		rp, err := super_block.NewReplicaPlacementFromString(s.rp)
		must(err)
		ttl, err := needle.ReadTTL(s.ttl)
		must(err)
		b := (&super_block.SuperBlock{Version: s.v, ReplicaPlacement: rp, Ttl: ttl, CompactionRevision: s.rev}).Bytes()
		out = append(out, SuperBlockCase{Version: int(s.v), Replication: s.rp, TTL: s.ttl,
			CompactionRevision: s.rev, Hex: hex.EncodeToString(b)})
	}
	return out
}

func idxCases() []IdxCase {
	type e struct {
		key    uint64
		offset int64
		size   int32
	}
	specs := []e{
		{1, 8, 33}, {1, 72, -1}, {0x0102030405060708, 0, 0}, {0xffffffffffffffff, 8 * 1000, 1024},
		{42, 4096, 2147483647}, {7, 1 << 20, -1},
		{3, 32*1024*1024*1024 - 8, 100}, // last 8-aligned offset a 4-byte build can address
	}
	if types.OffsetSize == 5 {
		specs = append(specs, e{5, 40 * 1024 * 1024 * 1024, 4096}, e{6, 8*1024*1024*1024*1024 - 8, 1})
	}
	var out []IdxCase
	for _, s := range specs {
		off := types.ToOffset(s.offset)
		b := needle_map.ToBytes(types.NeedleId(s.key), off, types.Size(s.size))
		field := b[types.NeedleIdSize : types.NeedleIdSize+types.OffsetSize]
		// cross-check with NeedleValue.ToBytes
		nv := needle_map.NeedleValue{Key: types.NeedleId(s.key), Offset: off, Size: types.Size(s.size)}
		if hex.EncodeToString(nv.ToBytes()) != hex.EncodeToString(b) {
			must(fmt.Errorf("idx encoders disagree for %+v", s))
		}
		out = append(out, IdxCase{
			Key:            u64s(s.key),
			Offset:         strconv.FormatInt(s.offset, 10),
			Size:           s.size,
			Hex:            hex.EncodeToString(b),
			OffsetFieldHex: hex.EncodeToString(field),
			DecodedOffset:  strconv.FormatInt(types.BytesToOffset(field).ToActualOffset(), 10),
		})
	}
	return out
}

func fileIdCases() []FileIdCase {
	type f struct {
		vid    uint32
		key    uint64
		cookie uint32
	}
	specs := []f{
		{3, 1, 0x637037d6}, {3, 0x1234567, 0x89abcdef}, {1, 0, 0}, {7, 0x100, 0x00000001},
		{4294967295, 0xffffffffffffffff, 0xffffffff}, {12, 0x0102030405060708, 0xdeadbeef}, {5, 0x1234, 0x0000abcd},
	}
	var out []FileIdCase
	for _, s := range specs {
		out = append(out, FileIdCase{Vid: s.vid, Key: u64s(s.key), Cookie: s.cookie,
			String: needle.NewFileId(needle.VolumeId(s.vid), s.key, s.cookie).String()})
	}
	return out
}

func fileIdParseCases() []FileIdParseCase {
	inputs := []string{
		"3,01637037d6", "3,1637037d6", "3,637037d6", "", ",01637037d6", "3", "x,01637037d6",
		"3,zz637037d6", "3,0000000000000000000000001637037d6", "3,000000000000000001637037d6",
		"3,01637037D6", "3,ABCDEF0123456789", "4294967297,01637037d6", "3,01637037d6_1",
		"3,01637037d6.jpg", "-1,01637037d6", "3,ffffffffffffffffffffffff", "3,,01637037d6", " 3,01637037d6",
	}
	var out []FileIdParseCase
	for _, in := range inputs {
		c := FileIdParseCase{Input: in}
		fid, err := needle.ParseFileIdFromString(in)
		if err != nil {
			c.Error = err.Error()
		} else {
			c.Ok = true
			c.Vid = uint32(fid.VolumeId)
			c.Key = u64s(uint64(fid.Key))
			c.Cookie = uint32(fid.Cookie)
			c.String = fid.String()
		}
		out = append(out, c)
	}
	return out
}

func ttlCases() []TTLCase {
	inputs := []string{"", "3m", "24h", "7d", "30d", "365d", "120m", "90m", "1000m", "5", "1w", "2M", "1y",
		"3x", "0m", "256m", "60m", "1440m", "8w", "255d", "400d", "abc", "-1d"}
	var out []TTLCase
	for _, in := range inputs {
		c := TTLCase{Input: in}
		t, err := needle.ReadTTL(in)
		if err != nil {
			c.Error = err.Error()
		} else {
			c.Ok = true
		}
		if t != nil {
			b := make([]byte, 2)
			t.ToBytes(b)
			c.Hex = hex.EncodeToString(b)
			c.Minutes = t.Minutes()
			c.String = t.String()
			c.ToUint32 = t.ToUint32()
		}
		out = append(out, c)
	}
	return out
}

func replicaCases() []ReplicaCase {
	inputs := []string{"000", "001", "010", "100", "200", "110", "", "1", "12", "999", "abc", "002", "255", "256", "0001"}
	var out []ReplicaCase
	for _, in := range inputs {
		c := ReplicaCase{Input: in}
		rp, err := super_block.NewReplicaPlacementFromString(in)
		if err != nil {
			c.Error = err.Error()
		} else {
			c.Ok = true
		}
		if rp != nil {
			c.Byte = int(rp.Byte())
			c.String = rp.String()
		}
		out = append(out, c)
	}
	return out
}

func vifCases(tmpDir string) []VifCase {
	type v struct {
		name string
		info *volume_server_pb.VolumeInfo
	}
	width := uint32(types.OffsetSize)
	specs := []v{
		{"fresh", &volume_server_pb.VolumeInfo{Version: 3, BytesOffset: width}},
		{"readOnly", &volume_server_pb.VolumeInfo{Version: 3, BytesOffset: width, ReadOnly: true}},
		{"replication 001", &volume_server_pb.VolumeInfo{Version: 3, BytesOffset: width, Replication: "001"}},
		{"ecShardConfig", &volume_server_pb.VolumeInfo{Version: 3, BytesOffset: width,
			EcShardConfig: &volume_server_pb.EcShardConfig{DataShards: 10, ParityShards: 4, EncodeTsNs: 1700000000123456789}}},
		{"datFileSize expireAtSec", &volume_server_pb.VolumeInfo{Version: 3, BytesOffset: width,
			DatFileSize: 1234567890123, ExpireAtSec: 1700003600}},
		{"readOnlyCanDelete", &volume_server_pb.VolumeInfo{Version: 3, BytesOffset: width, ReadOnly: true, ReadOnlyCanDelete: true}},
		{"remote file", &volume_server_pb.VolumeInfo{Version: 3, BytesOffset: width,
			Files: []*volume_server_pb.RemoteFile{{BackendType: "s3", BackendId: "default", Key: "1.dat",
				Offset: 0, FileSize: 4096, ModifiedTime: 1700000000, Extension: ".dat"}}}},
	}
	var out []VifCase
	for i, s := range specs {
		p := filepath.Join(tmpDir, fmt.Sprintf("%d.vif", i))
		must(volume_info.SaveVolumeInfo(p, s.info))
		b, err := os.ReadFile(p)
		must(err)
		out = append(out, VifCase{Name: s.name, Text: string(b)})
	}
	return out
}

func main() {
	outPath := flag.String("out", "", "path of the JSON file to write")
	flag.Parse()
	if *outPath == "" {
		fmt.Fprintln(os.Stderr, "usage: goldens -out FILE.json")
		os.Exit(2)
	}
	tmpDir, err := os.MkdirTemp("", "needlework-goldens-")
	must(err)
	defer os.RemoveAll(tmpDir)

	g := Golden{
		Generator:         "needlework test/go/goldens",
		SeaweedFSVersion:  seaweedVersion,
		OffsetSize:        types.OffsetSize,
		MaxVolumeSize:     u64s(types.MaxPossibleVolumeSize),
		Needles:           needleCases(tmpDir),
		SuperBlocks:       superBlockCases(),
		IdxEntries:        idxCases(),
		FileIds:           fileIdCases(),
		FileIdParses:      fileIdParseCases(),
		TTLs:              ttlCases(),
		ReplicaPlacements: replicaCases(),
		Vif:               vifCases(tmpDir),
	}
	b, err := json.MarshalIndent(g, "", "  ")
	must(err)
	b = append(b, '\n')
	must(os.WriteFile(*outPath, b, 0644))
	fmt.Fprintf(os.Stderr, "wrote %s (offsetSize %d, %d needles)\n", *outPath, types.OffsetSize, len(g.Needles))
}
