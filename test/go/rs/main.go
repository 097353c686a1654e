// Golden vectors and a single-core benchmark for the Reed-Solomon codec SeaweedFS uses
// (github.com/klauspost/reedsolomon v1.14.1, reedsolomon.New(data, parity) with default options).
//
// Regenerate the fixture (from the repository root):
//
//	(cd test/go/rs && go run . goldens) > test/fixtures/rs-golden.json
//
// Benchmark (what bench/ec-encode.ts runs; one core, 10+4, -size = data bytes per Encode call):
//
//	(cd test/go/rs && go run . bench -size 10485760 -total 1000000000)
//
// Inputs come from lcgBytes below; test/unit/ec/reed-solomon.test.ts regenerates them the same way
// from the seed stored in the fixture, so only parity and hashes need to be stored.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/klauspost/reedsolomon"
)

// Parity shards up to this size are stored in full (hex); larger ones only as SHA-256.
const maxInlineBytes = 4096

// lcgBytes fills n bytes from a 32-bit LCG (Numerical Recipes constants), top byte of each state.
func lcgBytes(seed uint32, n int) []byte {
	out := make([]byte, n)
	s := seed
	for i := range out {
		s = s*1664525 + 1013904223
		out[i] = byte(s >> 24)
	}
	return out
}

// dataShardsFor gives data shard i the seed seed+i, so every case is reproducible from one number.
func dataShardsFor(seed uint32, data, shardBytes int) [][]byte {
	shards := make([][]byte, data)
	for i := range shards {
		shards[i] = lcgBytes(seed+uint32(i), shardBytes)
	}
	return shards
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

type encodeCase struct {
	Name         string   `json:"name"`
	DataShards   int      `json:"dataShards"`
	ParityShards int      `json:"parityShards"`
	ShardBytes   int      `json:"shardBytes"`
	Seed         *uint32  `json:"seed,omitempty"`      // inputs from lcgBytes(seed+i)
	DataHex      []string `json:"dataHex,omitempty"`   // explicit inputs instead of a seed
	ParityHex    []string `json:"parityHex,omitempty"` // present when shardBytes <= maxInlineBytes
	ParitySha256 []string `json:"paritySha256"`
}

type matrixCase struct {
	DataShards   int      `json:"dataShards"`
	ParityShards int      `json:"parityShards"`
	ParityRows   []string `json:"parityRows"` // hex, one row of the encoding matrix per parity shard
}

type reconstructCase struct {
	Case          string   `json:"case"` // name of an encode case
	Lost          []int    `json:"lost"`
	DataOnly      bool     `json:"dataOnly"`
	RestoredEqual bool     `json:"restoredEqual"` // Go's rebuilt shards equal the originals
	RestoredSha   []string `json:"restoredSha256"`
	Error         string   `json:"error,omitempty"`
}

type goldens struct {
	Generator    string            `json:"generator"`
	Library      string            `json:"library"`
	Lcg          string            `json:"lcg"`
	Errors       map[string]string `json:"errors"`
	Matrices     []matrixCase      `json:"matrices"`
	Encodes      []encodeCase      `json:"encodes"`
	Reconstructs []reconstructCase `json:"reconstructs"`
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func encode(data, parity int, dataShards [][]byte) [][]byte {
	enc, err := reedsolomon.New(data, parity)
	must(err)
	shards := make([][]byte, data+parity)
	copy(shards, dataShards)
	for i := data; i < data+parity; i++ {
		shards[i] = make([]byte, len(dataShards[0]))
	}
	must(enc.Encode(shards))
	return shards
}

func makeEncodeCase(name string, data, parity int, seed *uint32, explicit [][]byte, shardBytes int) (encodeCase, [][]byte) {
	dataShards := explicit
	if seed != nil {
		dataShards = dataShardsFor(*seed, data, shardBytes)
	}
	shards := encode(data, parity, dataShards)
	c := encodeCase{Name: name, DataShards: data, ParityShards: parity, ShardBytes: shardBytes, Seed: seed}
	if seed == nil {
		for _, d := range dataShards {
			c.DataHex = append(c.DataHex, hex.EncodeToString(d))
		}
	}
	for _, p := range shards[data:] {
		if shardBytes <= maxInlineBytes {
			c.ParityHex = append(c.ParityHex, hex.EncodeToString(p))
		}
		c.ParitySha256 = append(c.ParitySha256, sha(p))
	}
	return c, shards
}

// parityRows reads the encoding matrix back out of Encode: data = unit vector e_i gives parity
// byte j = E[data+j][i].
func parityRows(data, parity int) []string {
	rows := make([][]byte, parity)
	for j := range rows {
		rows[j] = make([]byte, data)
	}
	for i := 0; i < data; i++ {
		unit := make([][]byte, data)
		for k := range unit {
			unit[k] = []byte{0}
		}
		unit[i][0] = 1
		shards := encode(data, parity, unit)
		for j := 0; j < parity; j++ {
			rows[j][i] = shards[data+j][0]
		}
	}
	out := make([]string, parity)
	for j, r := range rows {
		out[j] = hex.EncodeToString(r)
	}
	return out
}

func reconstruct(caseName string, shards [][]byte, data, parity int, lost []int, dataOnly bool) reconstructCase {
	enc, err := reedsolomon.New(data, parity)
	must(err)
	work := make([][]byte, len(shards))
	for i := range shards {
		work[i] = append([]byte(nil), shards[i]...)
	}
	for _, l := range lost {
		work[l] = nil
	}
	if dataOnly {
		err = enc.ReconstructData(work)
	} else {
		err = enc.Reconstruct(work)
	}
	rc := reconstructCase{Case: caseName, Lost: lost, DataOnly: dataOnly}
	if err != nil {
		rc.Error = err.Error()
		return rc
	}
	rc.RestoredEqual = true
	for _, l := range lost {
		if work[l] == nil {
			rc.RestoredSha = append(rc.RestoredSha, "")
			continue
		}
		rc.RestoredSha = append(rc.RestoredSha, sha(work[l]))
		if string(work[l]) != string(shards[l]) {
			rc.RestoredEqual = false
		}
	}
	return rc
}

func u32(v uint32) *uint32 { return &v }

func runGoldens() {
	g := goldens{
		Generator: "test/go/rs (go run . goldens)",
		Library:   "github.com/klauspost/reedsolomon v1.14.1, New(data, parity), default options",
		Lcg:       "s = s*1664525 + 1013904223 (mod 2^32), byte = s >> 24; data shard i uses seed+i",
		Errors: map[string]string{
			"tooFewShards": reedsolomon.ErrTooFewShards.Error(),
			"shardSize":    reedsolomon.ErrShardSize.Error(),
			"shardNoData":  reedsolomon.ErrShardNoData.Error(),
		},
	}
	for _, cfg := range [][2]int{{10, 4}, {6, 3}, {12, 4}, {4, 2}, {3, 1}, {1, 1}, {20, 12}, {16, 16}} {
		g.Matrices = append(g.Matrices, matrixCase{DataShards: cfg[0], ParityShards: cfg[1], ParityRows: parityRows(cfg[0], cfg[1])})
	}

	all := map[string][][]byte{}
	add := func(name string, data, parity int, seed *uint32, explicit [][]byte, shardBytes int) {
		c, shards := makeEncodeCase(name, data, parity, seed, explicit, shardBytes)
		g.Encodes = append(g.Encodes, c)
		all[name] = shards
	}
	hello := [][]byte{{'h'}, {'e'}, {'l'}, {'l'}, {'o'}, {0}, {0}, {0}, {0}, {0}}
	add("hello", 10, 4, nil, hello, 1)
	for i, size := range []int{1, 7, 64, 1000, 65536 + 3} {
		add(fmt.Sprintf("lcg-10+4-%d", size), 10, 4, u32(uint32(1000*(i+1))), nil, size)
	}
	add("lcg-6+3-1000", 6, 3, u32(77), nil, 1000)
	add("lcg-12+4-333", 12, 4, u32(88), nil, 333)
	add("lcg-20+12-100", 20, 12, u32(99), nil, 100)
	add("lcg-3+1-50", 3, 1, u32(111), nil, 50)

	for _, r := range []struct {
		lost     []int
		dataOnly bool
	}{
		{[]int{0}, false}, {[]int{13}, false}, {[]int{0, 1, 2, 3}, false}, {[]int{10, 11, 12, 13}, false},
		{[]int{0, 5, 10, 13}, false}, {[]int{3, 9, 11}, true}, {[]int{0, 1, 2, 3, 4}, false},
	} {
		g.Reconstructs = append(g.Reconstructs, reconstruct("lcg-10+4-1000", all["lcg-10+4-1000"], 10, 4, r.lost, r.dataOnly))
	}
	g.Reconstructs = append(g.Reconstructs, reconstruct("lcg-20+12-100", all["lcg-20+12-100"], 20, 12, []int{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 31}, false))

	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	must(enc.Encode(g))
}

func runBench(args []string) {
	fs := flag.NewFlagSet("bench", flag.ExitOnError)
	size := fs.Int("size", 10<<20, "data bytes per Encode call, split over the data shards")
	total := fs.Int64("total", 1_000_000_000, "data bytes to encode in all")
	data := fs.Int("data", 10, "data shards")
	parity := fs.Int("parity", 4, "parity shards")
	must(fs.Parse(args))
	runtime.GOMAXPROCS(1)
	enc, err := reedsolomon.New(*data, *parity, reedsolomon.WithMaxGoroutines(1))
	must(err)
	shardBytes := (*size + *data - 1) / *data
	shards := dataShardsFor(1, *data, shardBytes)
	for i := 0; i < *parity; i++ {
		shards = append(shards, make([]byte, shardBytes))
	}
	must(enc.Encode(shards)) // warm up
	rowBytes := int64(shardBytes * *data)
	rounds := max(1, *total/rowBytes)
	start := time.Now()
	for r := int64(0); r < rounds; r++ {
		must(enc.Encode(shards))
	}
	seconds := time.Since(start).Seconds()
	result := map[string]any{
		"dataShards": *data, "parityShards": *parity, "shardBytes": shardBytes, "rounds": rounds,
		"dataBytes": rounds * rowBytes, "seconds": seconds, "mbPerSec": float64(rounds*rowBytes) / seconds / 1e6,
	}
	out, err := json.Marshal(result)
	must(err)
	fmt.Println(string(out))
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rs goldens | rs bench [-size N] [-total N] [-data N] [-parity N]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "goldens":
		runGoldens()
	case "bench":
		runBench(os.Args[2:])
	default:
		fmt.Fprintln(os.Stderr, "unknown command", os.Args[1])
		os.Exit(2)
	}
}
