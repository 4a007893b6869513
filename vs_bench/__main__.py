from vs_bench.cli import main

main()
