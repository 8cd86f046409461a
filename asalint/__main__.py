from asalint.cli import main

main()
