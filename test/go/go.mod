module needlework.test/peers

go 1.26

replace github.com/apache/thrift => github.com/apache/thrift v0.23.1-0.20260429145742-d2acd3c49e58

replace github.com/tyler-smith/go-bip39 => github.com/cosmos/go-bip39 v1.0.0
