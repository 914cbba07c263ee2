from kit.start import main

main()
