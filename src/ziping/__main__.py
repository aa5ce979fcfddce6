from ziping.cli import main

main()
