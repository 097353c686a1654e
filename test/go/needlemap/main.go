// Command needlemap measures SeaweedFS's in-memory needle map (needle_map.CompactMap) for
// bench/needle-map-load.ts: heap bytes per entry and the time to load an .idx into it, printed as
// one JSON object. The load loop is upstream's doLoading (weed/storage/needle_map_memory.go):
// idx.WalkIndexFile, CompactMap Set/Delete and the same counters; importing weed/storage itself
// would pull most of SeaweedFS (S3, filer, security) into this module.
//
// From test/go:
//
//	go run ./needlemap -idx some.idx             # load an existing .idx (the TS bench passes its own)
//	go run ./needlemap -n 10000000 -keys random  # write an .idx with the bench's key generator, then load it
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/seaweedfs/seaweedfs/weed/storage/idx"
	"github.com/seaweedfs/seaweedfs/weed/storage/needle"
	"github.com/seaweedfs/seaweedfs/weed/storage/needle_map"
	"github.com/seaweedfs/seaweedfs/weed/storage/types"
)

type result struct {
	Entries       int     `json:"entries"`
	Keys          string  `json:"keys"`
	LoadMs        float64 `json:"loadMs"`
	HeapBytes     uint64  `json:"heapBytes"`
	BytesPerEntry float64 `json:"bytesPerEntry"`
	GoVersion     string  `json:"goVersion"`
	OffsetBytes   int     `json:"offsetBytes"`
}

func main() {
	idxPath := flag.String("idx", "", "existing .idx to load (default: write one from -n and -keys)")
	entries := flag.Int("n", 10_000_000, "rows to write when -idx is not given")
	keys := flag.String("keys", "sequential", "sequential | random (56-bit xorshift64) | random64, when -idx is not given")
	flag.Parse()

	path := *idxPath
	if path == "" {
		dir, err := os.MkdirTemp("", "needlemap-go-")
		check(err)
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "1.idx")
		check(writeIdx(path, *entries, *keys))
	} else {
		*keys = "from file"
	}

	file, err := os.Open(path)
	check(err)
	defer file.Close()

	before := heapInUse()
	started := time.Now()
	m, counters, err := load(file)
	loadMs := float64(time.Since(started).Microseconds()) / 1000
	check(err)
	after := heapInUse()
	count := counters.rows
	if m.Len() == 0 && count > 0 {
		check(fmt.Errorf("loaded no entries from %d rows", count))
	}
	runtime.KeepAlive(m)

	out := result{
		Entries:       int(count),
		Keys:          *keys,
		LoadMs:        loadMs,
		HeapBytes:     after - before,
		BytesPerEntry: float64(after-before) / float64(count),
		GoVersion:     runtime.Version(),
		OffsetBytes:   types.OffsetSize,
	}
	check(json.NewEncoder(os.Stdout).Encode(out))
}

type loadCounters struct {
	rows, fileCount, deletedCount, fileBytes, deletedBytes uint64
	maxKey                                                 types.NeedleId
	maxNeedleEndBytes                                      int64
}

// load mirrors upstream's doLoading for a CompactNeedleMap.
func load(file *os.File) (*needle_map.CompactMap, *loadCounters, error) {
	m := needle_map.NewCompactMap()
	c := &loadCounters{}
	err := idx.WalkIndexFile(file, 0, func(key types.NeedleId, offset types.Offset, size types.Size) error {
		c.rows++
		if key > c.maxKey {
			c.maxKey = key
		}
		if !offset.IsZero() && size.IsValid() {
			if end := offset.ToActualOffset() + needle.GetActualSize(size, needle.Version3); end > c.maxNeedleEndBytes {
				c.maxNeedleEndBytes = end
			}
		}
		if !offset.IsZero() && !size.IsDeleted() {
			c.fileCount++
			c.fileBytes += uint64(size)
			oldOffset, oldSize := m.Set(key, offset, size)
			if !oldOffset.IsZero() && oldSize.IsValid() {
				c.deletedCount++
				c.deletedBytes += uint64(oldSize)
			}
		} else if oldSize := m.Delete(key); oldSize > 0 {
			c.deletedCount++
			c.deletedBytes += uint64(oldSize)
		}
		return nil
	})
	return m, c, err
}

// heapInUse is live heap after a full collection (twice, so finalizer-freed memory is gone too).
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// writeIdx writes rows the way bench/needle-map-load.ts does: the same key generator
// (xorshift64 from seed 12345, low 56 bits for random, all 64 for random64), consecutive
// 1040-byte records.
func writeIdx(path string, n int, keys string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	const recordBytes = 1040
	const sizeBytes = 1000
	state := uint64(12345)
	row := make([]byte, types.NeedleMapEntrySize)
	buf := make([]byte, 0, 1<<20)
	for i := 0; i < n; i++ {
		var key uint64
		switch keys {
		case "sequential":
			key = uint64(i + 1)
		case "random":
			state ^= state << 13
			state ^= state >> 7
			state ^= state << 17
			key = state & (1<<56 - 1)
		case "random64":
			state ^= state << 13
			state ^= state >> 7
			state ^= state << 17
			key = state
		default:
			return fmt.Errorf("unknown -keys %q", keys)
		}
		types.NeedleIdToBytes(row[0:types.NeedleIdSize], types.NeedleId(key))
		types.OffsetToBytes(row[types.NeedleIdSize:types.NeedleIdSize+types.OffsetSize], types.ToOffset(int64(8+i*recordBytes)))
		binary.BigEndian.PutUint32(row[types.NeedleIdSize+types.OffsetSize:], sizeBytes)
		buf = append(buf, row...)
		if len(buf) >= cap(buf)-len(row) {
			if _, err := f.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	_, err = f.Write(buf)
	return err
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
