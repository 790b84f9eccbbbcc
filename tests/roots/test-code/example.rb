puts "included"
# ]]> must survive
